/**
 * Reading the Bicep files without the Bicep compiler (none installs offline: docs/deploy.md): a real
 * parser (the tree-sitter Bicep grammar, run as WebAssembly by web-tree-sitter) gives the syntax tree;
 * this module lists the declarations and evaluates the small expressions the checks need (strings with
 * interpolation, ternaries, comparisons, members, a few functions). Anything else it does not guess:
 * it throws, naming the expression.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Language, Parser, type Node } from 'web-tree-sitter';

export type { Node };

export interface Param {
  name: string;
  type: string;
  default: Node | undefined;
  /** The text of each decorator written above it (`@allowed([...])`, `@description('…')`). */
  decorators: Node[];
}

export interface Resource {
  symbol: string;
  /** `Microsoft.Storage/storageAccounts` (a nested one: its full type). */
  type: string;
  apiVersion: string | undefined;
  existing: boolean;
  condition: Node | undefined;
  loop: { item: string; source: Node } | undefined;
  body: Node;
}

export interface Module {
  symbol: string;
  path: string;
  condition: Node | undefined;
  body: Node;
}

export interface BicepFile {
  file: string;
  root: Node;
  params: Map<string, Param>;
  vars: Map<string, Node>;
  resources: Resource[];
  modules: Module[];
  outputs: Map<string, Node>;
}

let parser: Parser | undefined;

async function bicepParser(): Promise<Parser> {
  if (parser !== undefined) return parser;
  await Parser.init();
  const wasm = createRequire(import.meta.url).resolve('tree-sitter-bicep/tree-sitter-bicep.wasm');
  const p = new Parser();
  p.setLanguage(await Language.load(wasm));
  parser = p;
  return p;
}

/** Every ERROR or MISSING node: a syntax error the grammar recovered from. */
export function syntaxErrors(root: Node): string[] {
  const out: string[] = [];
  const walk = (n: Node) => {
    if (n.isError || n.isMissing) {
      out.push(`line ${n.startPosition.row + 1}:${n.startPosition.column + 1} near "${n.text.slice(0, 40)}"`);
    }
    for (const c of n.children) if (c !== null) walk(c);
  };
  walk(root);
  return out;
}

const named = (n: Node): Node[] => n.namedChildren.filter((c): c is Node => c !== null);

/** The text of a plain string literal (no interpolation). */
export function stringValue(n: Node): string {
  if (
    n.type !== 'string' ||
    named(n).some((c) => c.type !== 'string_content' && c.type !== 'escape_sequence')
  ) {
    throw new Error(`expected a plain string, got ${n.type} "${n.text}"`);
  }
  return JSON.parse(`"${n.text.slice(1, -1).replace(/\\'/g, "'").replace(/"/g, '\\"')}"`) as string;
}

/** The properties of an object literal, by key (identifiers and quoted keys alike). */
export function props(obj: Node): Map<string, Node> {
  if (obj.type !== 'object')
    throw new Error(`expected an object, got ${obj.type} "${obj.text.slice(0, 60)}"`);
  const out = new Map<string, Node>();
  for (const p of named(obj)) {
    if (p.type !== 'object_property') continue;
    const [key, value] = named(p);
    if (key === undefined || value === undefined || key.type === 'resource_declaration') continue;
    out.set(key.type === 'string' ? stringValue(key) : key.text, value);
  }
  return out;
}

function resourceOf(n: Node, parentType: string | undefined): Resource[] {
  const [id, typeNode, rest] = named(n);
  if (id === undefined || typeNode === undefined || rest === undefined)
    throw new Error(`bad resource ${n.text}`);
  const [rawType, apiVersion] = stringValue(typeNode).split('@') as [string, string | undefined];
  const type = parentType !== undefined && !rawType.includes('/') ? `${parentType}/${rawType}` : rawType;
  let body = rest;
  let condition: Node | undefined;
  let loop: Resource['loop'];
  if (rest.type === 'if_statement') {
    [condition, body] = named(rest) as [Node, Node];
  } else if (rest.type === 'for_statement') {
    const [item, source, inner] = named(rest) as [Node, Node, Node];
    loop = { item: item.text, source };
    body = inner;
  }
  const existing = n.children.some((c) => c?.type === 'existing');
  const nested = named(body)
    .filter((p) => p.type === 'object_property' && named(p)[0]?.type === 'resource_declaration')
    .flatMap((p) => resourceOf(named(p)[0] as Node, type));
  return [{ symbol: id.text, type, apiVersion, existing, condition, loop, body }, ...nested];
}

/** Parses a .bicep file and lists its declarations; throws on a syntax error. */
export async function loadBicep(file: string): Promise<BicepFile> {
  const tree = (await bicepParser()).parse(readFileSync(file, 'utf8'));
  if (tree === null) throw new Error(`${file}: not parsed`);
  const root = tree.rootNode;
  const errors = syntaxErrors(root);
  if (errors.length > 0) throw new Error(`${file}: syntax errors at ${errors.join(', ')}`);
  const out: BicepFile = {
    file,
    root,
    params: new Map(),
    vars: new Map(),
    resources: [],
    modules: [],
    outputs: new Map(),
  };
  let decorators: Node[] = [];
  for (const n of named(root)) {
    if (n.type === 'comment') continue;
    if (n.type === 'decorators') {
      decorators = named(n);
      continue;
    }
    const [id, second, third] = named(n);
    if (n.type === 'parameter_declaration' && id !== undefined && second !== undefined) {
      out.params.set(id.text, { name: id.text, type: second.text, default: third, decorators });
    } else if (n.type === 'variable_declaration' && id !== undefined && second !== undefined) {
      out.vars.set(id.text, second);
    } else if (n.type === 'resource_declaration') {
      out.resources.push(...resourceOf(n, undefined));
    } else if (
      n.type === 'module_declaration' &&
      id !== undefined &&
      second !== undefined &&
      third !== undefined
    ) {
      const [condition, body] =
        third.type === 'if_statement' ? (named(third) as [Node, Node]) : [undefined, third];
      out.modules.push({ symbol: id.text, path: stringValue(second), condition, body });
    } else if (n.type === 'output_declaration' && id !== undefined) {
      out.outputs.set(id.text, named(n)[2] as Node);
    }
    decorators = [];
  }
  return out;
}

/** Every identifier the file uses outside declarations' own names (for "is this param used?"). */
export function usedIdentifiers(file: BicepFile): Set<string> {
  const used = new Set<string>();
  // Not uses: a declaration's own name, and an object's keys (`params: { location: location }`).
  const naming = [
    'parameter_declaration',
    'variable_declaration',
    'output_declaration',
    'resource_declaration',
  ];
  const walk = (n: Node, isName: boolean) => {
    if (n.type === 'identifier' && !isName) used.add(n.text);
    named(n).forEach((c, i) => walk(c, i === 0 && (naming.includes(n.type) || n.type === 'object_property')));
  };
  walk(file.root, false);
  return used;
}

type Value = unknown;

/**
 * Evaluates an expression of `file` with `values` for the names it cannot know (parameters without a
 * default, module outputs); a variable is evaluated from its declaration, a parameter from its default.
 */
export function evaluate(n: Node, file: BicepFile, values: Record<string, Value>): Value {
  const ev = (x: Node) => evaluate(x, file, values);
  const kids = named(n);
  switch (n.type) {
    case 'string':
      return kids
        .map((k) => (k.type === 'interpolation' ? String(ev(named(k)[0] as Node)) : k.text))
        .join('');
    case 'number':
      return Number(n.text);
    case 'boolean':
      return n.text === 'true';
    case 'null':
      return null;
    case 'array':
      return kids.filter((k) => k.type !== 'comment').map(ev);
    case 'object': {
      const entries = kids
        .filter((p) => p.type === 'object_property' && named(p)[0]?.type !== 'resource_declaration')
        .map((p) => named(p) as [Node, Node])
        .map(([k, v]) => [k.type === 'string' ? ev(k) : k.text, ev(v)]);
      return Object.fromEntries(entries) as Value;
    }
    case 'parenthesized_expression':
      return ev(kids[0] as Node);
    case 'identifier': {
      if (n.text in values) return values[n.text];
      const v = file.vars.get(n.text);
      if (v !== undefined) return ev(v);
      const p = file.params.get(n.text);
      if (p?.default !== undefined) return ev(p.default);
      throw new Error(`${file.file}: no value for "${n.text}"`);
    }
    case 'member_expression': {
      const obj = ev(kids[0] as Node) as Record<string, Value>;
      return obj[(kids[1] as Node).text];
    }
    case 'subscript_expression': {
      const obj = ev(kids[0] as Node) as Record<string, Value>;
      return obj[String(ev(kids[1] as Node))];
    }
    case 'ternary_expression':
      return ev(kids[0] as Node) === true ? ev(kids[1] as Node) : ev(kids[2] as Node);
    case 'unary_expression':
      if (n.children[0]?.type === '!') return ev(kids[0] as Node) !== true;
      break;
    case 'binary_expression': {
      const op = n.children[1]?.type;
      const [a, b] = [ev(kids[0] as Node), ev(kids[1] as Node)];
      if (op === '==') return a === b;
      if (op === '!=') return a !== b;
      if (op === '&&') return a === true && b === true;
      if (op === '||') return a === true || b === true;
      break;
    }
    case 'call_expression': {
      const fn = (kids[0] as Node).text;
      const args = named(kids[1] as Node).map(ev);
      if (fn === 'empty')
        return args[0] === '' || args[0] === null || (Array.isArray(args[0]) && args[0].length === 0);
      if (fn === 'union') return Object.assign({}, ...(args as object[]));
      if (fn === 'subscriptionResourceId') return `/providers/${args.join('/')}`;
      break;
    }
  }
  throw new Error(`${file.file}: cannot evaluate ${n.type} "${n.text.slice(0, 80)}"`);
}
