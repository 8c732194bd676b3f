/**
 * ODK's own form engine (@getodk/xforms-engine, the engine of ODK Web Forms) running an XForm
 * in Node, for differential tests of our XLSForm engine.
 *
 * The engine expects a browser: jsdom provides DOMParser and XPathResult, as the engine's own
 * Node tests do. Its bundled XPath parser (tree-sitter compiled to WebAssembly) was built as
 * CommonJS and looks for `__dirname` and `module`; both are given harmless values before import.
 */
import { JSDOM } from "jsdom";

type OdkModule = typeof import("@getodk/xforms-engine");
let loaded: Promise<OdkModule> | undefined;

export function odkEngine(): Promise<OdkModule> {
  loaded ??= (async () => {
    const { window } = new JSDOM("");
    const globals = globalThis as Record<string, unknown>;
    for (const name of ["DOMParser", "XPathResult", "Node", "XMLSerializer", "Element", "Document"] as const) globals[name] ??= window[name];
    globals.document ??= window.document;
    globals.__dirname ??= "/";
    globals.module ??= {};
    return import("@getodk/xforms-engine");
  })();
  return loaded;
}

/** The parts of an ODK node the tests read; the engine's own types are much wider. */
export interface OdkNode {
  nodeType: string;
  currentState: {
    reference: string;
    relevant: boolean;
    value: unknown;
    children: readonly OdkNode[] | null;
    valueOptions?: unknown;
  };
  validationState: { constraint?: { valid: boolean }; required?: { valid: boolean } };
  setValue?(value: string | boolean): unknown;
  selectValues?(values: readonly string[]): unknown;
  addInstances?(afterIndex?: number, count?: number): unknown;
  removeInstances?(startIndex: number, count?: number): unknown;
}

export async function openXForm(xml: string): Promise<OdkNode> {
  const { loadForm } = await odkEngine();
  const result = await loadForm(xml);
  if (result.status === "failure") throw new Error(`ODK could not load the form: ${String(result.error)}`);
  return result.createInstance().root as unknown as OdkNode;
}

/** Every node of the instance by its reference without the root ("member[2]/age"). */
export function odkNodes(root: OdkNode): Map<string, OdkNode> {
  const prefix = `${root.currentState.reference}/`;
  const nodes = new Map<string, OdkNode>();
  const visit = (node: OdkNode) => {
    nodes.set(node.currentState.reference.startsWith(prefix) ? node.currentState.reference.slice(prefix.length) : node.currentState.reference, node);
    for (const child of node.currentState.children ?? []) visit(child);
  };
  visit(root);
  return nodes;
}

/** A node's value as ODK would store it: a multi-select's values joined by spaces. */
export function odkValue(node: OdkNode): string {
  const value = node.currentState.value;
  if (Array.isArray(value)) return value.join(" ");
  if (value === null || value === undefined) return "";
  if (typeof value === "object" && "toString" in value) return String(value);
  return String(value);
}
