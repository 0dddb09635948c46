/**
 * The mutable directory tree of one emulated collection, built from its seeded tree.
 * Transfer's `ls`, `mkdir`, `rename`, transfer and delete tasks all work on it (the task
 * engine, `transfer/tasks.ts`, walks it to copy).
 */
import type { SeedTreeNode } from "../types.ts";

export interface FileNode {
  type: "file";
  name: string;
  size: number;
  mtime: number;
}

export interface DirNode {
  type: "dir";
  name: string;
  mtime: number;
  children: Map<string, TreeNode>;
}

export type TreeNode = FileNode | DirNode;

/** Size Transfer reports for a directory entry. */
export const DIRECTORY_SIZE = 4096;

export function buildTree(seed: SeedTreeNode | undefined, now: number): DirNode {
  const root: DirNode = { type: "dir", name: "/", mtime: now, children: new Map() };
  if (seed?.type === "dir") {
    for (const child of seed.children ?? []) root.children.set(child.name, fromSeed(child, now));
  }
  return root;
}

function fromSeed(seed: SeedTreeNode, now: number): TreeNode {
  if (seed.type === "file")
    return { type: "file", name: seed.name, size: seed.size ?? 0, mtime: now };
  const dir: DirNode = { type: "dir", name: seed.name, mtime: now, children: new Map() };
  for (const child of seed.children ?? []) dir.children.set(child.name, fromSeed(child, now));
  return dir;
}

/**
 * Splits a Transfer path into segments below the root. `/~/` (or a leading `~`) is the
 * caller's home directory. Returns undefined for a path that climbs above the root.
 */
export function splitPath(raw: string, home: readonly string[]): string[] | undefined {
  let rest = raw;
  let segments: string[] = [];
  if (rest.startsWith("/~")) {
    segments = [...home];
    rest = rest.slice(2);
  } else if (rest.startsWith("~")) {
    segments = [...home];
    rest = rest.slice(1);
  } else if (!rest.startsWith("/")) {
    segments = [...home];
  }
  for (const part of rest.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (segments.length === 0) return undefined;
      segments.pop();
      continue;
    }
    segments.push(part);
  }
  return segments;
}

export function absolutePath(segments: readonly string[], trailingSlash: boolean): string {
  const joined = `/${segments.join("/")}`;
  return trailingSlash && segments.length > 0 ? `${joined}/` : joined;
}

export function lookup(root: DirNode, segments: readonly string[]): TreeNode | undefined {
  let node: TreeNode = root;
  for (const segment of segments) {
    if (node.type !== "dir") return undefined;
    const next: TreeNode | undefined = node.children.get(segment);
    if (!next) return undefined;
    node = next;
  }
  return node;
}

/** Creates every missing directory along `segments` (like `mkdir -p`); undefined if a file is in the way. */
export function ensureDir(
  root: DirNode,
  segments: readonly string[],
  now: number,
): DirNode | undefined {
  let node: DirNode = root;
  for (const segment of segments) {
    const next = node.children.get(segment);
    if (!next) {
      const created: DirNode = { type: "dir", name: segment, mtime: now, children: new Map() };
      node.children.set(segment, created);
      node.mtime = now;
      node = created;
    } else if (next.type === "dir") {
      node = next;
    } else {
      return undefined;
    }
  }
  return node;
}

/** A deep copy of a node, its name kept: a snapshot that later writes cannot reach. */
export function snapshotNode(node: TreeNode): TreeNode {
  if (node.type === "file") return { ...node };
  const copy: DirNode = { type: "dir", name: node.name, mtime: node.mtime, children: new Map() };
  for (const [name, child] of node.children) copy.children.set(name, snapshotNode(child));
  return copy;
}

/** The children of a directory in name order, as listings and tasks visit them. */
export function sortedChildren(dir: DirNode): TreeNode[] {
  return [...dir.children.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * A shell-style name pattern, as Transfer's filter rules and delete globs use them: `*`
 * (anything), `?` (one character), `[abc]` and `[!abc]` (one character in or not in the
 * set); a backslash escapes the next character.
 */
export function globMatcher(pattern: string, options: { ignoreCase?: boolean } = {}): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] ?? "";
    if (char === "\\" && i + 1 < pattern.length) {
      source += escapeRegExp(pattern[++i] ?? "");
    } else if (char === "*") {
      source += ".*";
    } else if (char === "?") {
      source += ".";
    } else if (char === "[") {
      const close = pattern.indexOf("]", i + 2);
      if (close === -1) {
        source += "\\[";
        continue;
      }
      let set = pattern.slice(i + 1, close);
      const negated = set.startsWith("!");
      if (negated) set = set.slice(1);
      source += `[${negated ? "^" : ""}${set.replace(/[\\\]^]/g, "\\$&")}]`;
      i = close;
    } else {
      source += escapeRegExp(char);
    }
  }
  return new RegExp(`^${source}$`, options.ignoreCase ? "i" : "");
}

/** Whether a name has glob characters that are not escaped. */
export function hasGlob(name: string): boolean {
  return /(^|[^\\])[*?[]/.test(name);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
