import { attributeRefusal } from './words';

// The one way the studio builds markup: elements and text nodes. Strings become text nodes
// (textContent), never HTML, so a prompt like `<img src=x onerror=alert(1)>` shows as those
// characters. Listeners are attached as functions, never as on* attributes, and URL attributes
// must be same-site paths, fragments or http(s) (words.ts attributeRefusal).

export type Child = Node | string | number | null | undefined | false;
type Attr = string | number | boolean | undefined;
type Listeners = Partial<Record<keyof HTMLElementEventMap, (e: Event) => unknown>>;
export type Attrs = { [name: string]: Attr | Listeners; on?: Listeners };

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === 'on' || value === undefined || value === false || typeof value === 'object') continue;
    const text = value === true ? '' : String(value);
    const refusal = attributeRefusal(name, text);
    if (refusal) throw new Error(`studio: refused ${refusal}`);
    node.setAttribute(name, text);
  }
  for (const [event, fn] of Object.entries(attrs.on ?? {})) if (fn) node.addEventListener(event, (e) => void fn(e));
  append(node, ...children);
  return node;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

/** Replaces a node's children. */
export function fill(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}
