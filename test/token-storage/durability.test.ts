import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, statfsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import {
  deviceName,
  mountOf,
  parseMountInfo,
  renameKeepsDataOrder,
  replaceNeedsFlush,
} from "../../src/token-storage/durability.ts";
import { tempDir, tokenData } from "./helpers.ts";

// proc(5)'s example line, and lines as Linux writes them for other file systems
const MOUNTINFO = [
  "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue",
  "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard",
  "28 27 254:0 /home /srv/home rw,relatime - ext4 /dev/vda rw,discard",
  "40 27 254:16 / /data rw,relatime - ext4 /dev/vdb rw,noauto_da_alloc",
  "41 27 254:32 / /fast rw,relatime - ext4 /dev/vdc rw,data=writeback",
  "42 27 254:48 / /journal rw,relatime - ext4 /dev/vdd rw,data=journal",
  "43 27 8:1 / /xfs rw,relatime shared:5 - xfs /dev/sda1 rw,attr2,inode64",
  "44 27 0:45 / /tmp rw,nosuid - tmpfs tmpfs rw,size=1024k",
  "45 27 0:46 / /merged rw - overlay overlay rw,lowerdir=/l,upperdir=/u,workdir=/w",
  "",
].join("\n");

// statfs(2) magic numbers of the file systems a test machine may have its temp folder on
const MAGIC: Record<number, string> = {
  61267: "ext4",
  16914836: "tmpfs",
  1481003842: "xfs",
  2435016766: "btrfs",
  2035054128: "overlay",
};

describe("durability: which file systems keep an atomic replace whole without fsync", () => {
  test("mountinfo lines are read per device, optional fields and bind mounts included", () => {
    const mounts = parseMountInfo(MOUNTINFO);
    assert.deepEqual(mounts.get("98:0"), { type: "ext3", superOptions: ["rw", "errors=continue"] });
    assert.equal(mounts.get("254:0")?.type, "ext4");
    assert.equal(mounts.get("8:1")?.type, "xfs");
    assert.equal(mounts.size, 8, "the bind mount of 254:0 is not a second device");
  });

  test("ext4 in its default and journal modes, and tmpfs, need no flush; the rest do", () => {
    const mounts = parseMountInfo(MOUNTINFO);
    const ordered = (device: string) => renameKeepsDataOrder(mounts.get(device)!);
    assert.equal(ordered("254:0"), true, "ext4 defaults");
    assert.equal(ordered("254:48"), true, "ext4 data=journal");
    assert.equal(ordered("0:45"), true, "tmpfs");
    assert.equal(ordered("254:16"), false, "ext4 noauto_da_alloc");
    assert.equal(ordered("254:32"), false, "ext4 data=writeback");
    assert.equal(ordered("8:1"), false, "xfs");
    assert.equal(ordered("98:0"), false, "ext3");
    assert.equal(ordered("0:46"), false, "overlay");
  });

  test("device numbers decode as Linux packs them, large majors and minors included", () => {
    assert.equal(deviceName((254n << 8n) | 0n), "254:0");
    // makedev(259, 300): minor above 255 goes to the high bits
    const dev = ((259n & 0xfffn) << 8n) | (300n & 0xffn) | ((300n & ~0xffn) << 12n);
    assert.equal(deviceName(dev), "259:300");
  });

  test("this machine's temp folder is found in its mountinfo as statfs names it", {
    skip: process.platform !== "linux" && "mountinfo is Linux's",
  }, () => {
    const mount = mountOf(tmpdir());
    assert.ok(mount, "the temp folder's mount");
    const magic = MAGIC[statfsSync(tmpdir()).type];
    if (magic === "ext4") assert.match(mount.type, /^ext[234]$/);
    else if (magic !== undefined) assert.equal(mount.type, magic);
    if (existsSync("/dev/shm")) assert.equal(mountOf("/dev/shm")?.type, "tmpfs");
    assert.equal(mountOf(path.join(tmpdir(), "no", "such", "folder")), undefined);
  });

  describe("what a JSON storage flushes, counted by strace", () => {
    const strace = spawnSync("strace", ["-V"]).status === 0;
    let dir: string;
    let cleanup: () => void;
    before(() => {
      ({ dir, cleanup } = tempDir());
    });
    after(() => cleanup());

    /** The fsync calls a process makes for one first write and two replaces. */
    function fsyncsOf(fsync: boolean | "auto" | undefined, name: string): number {
      const file = path.join(dir, name, "tokens.json");
      const module = new URL("../../src/token-storage/json.ts", import.meta.url).href;
      const options = fsync === undefined ? "{}" : JSON.stringify({ fsync });
      const script = [
        `const { JSONTokenStorage } = await import(${JSON.stringify(module)});`,
        `const store = new JSONTokenStorage(${JSON.stringify(file)}, ${options});`,
        `for (const i of [1, 2, 3]) await store.storeTokenDataByResourceServer({ ["rs" + i]: ${JSON.stringify(tokenData({ resource_server: "rs" }))} });`,
        "await store.close();",
      ].join("\n");
      const trace = path.join(dir, `${name}.trace`);
      const run = spawnSync(
        "strace",
        ["-f", "-qq", "-e", "trace=fsync,fdatasync", "-o", trace, process.execPath],
        {
          input: script,
          encoding: "utf8",
          env: { ...process.env, NODE_OPTIONS: "--input-type=module" },
        },
      );
      assert.equal(run.status, 0, run.stderr);
      return readFileSync(trace, "utf8")
        .split("\n")
        .filter((l) => /\b(fsync|fdatasync)\(/.test(l)).length;
    }

    test("auto: the first write is flushed; a replace only where the file system needs it", {
      skip: !strace && "strace is not installed",
    }, () => {
      const replaces = replaceNeedsFlush(dir) ? 2 : 0;
      assert.equal(fsyncsOf(undefined, "default"), 1 + replaces);
      assert.equal(fsyncsOf("auto", "auto"), 1 + replaces);
    });

    test("true flushes every write, false none", {
      skip: !strace && "strace is not installed",
    }, () => {
      assert.equal(fsyncsOf(true, "always"), 3);
      assert.equal(fsyncsOf(false, "never"), 0);
    });
  });
});
