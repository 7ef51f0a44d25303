/**
 * `npm run docs:components`: writes the generated parts of docs/components.md and of the README
 * from the code, so they cannot drift from it:
 * - the EKS example (examples/aws.ts, verbatim) in both files, between the `example` markers;
 * - in docs/components.md, between the `api` markers: the package's entries (scripts/build-package.ts
 *   ENTRIES) and, for every ComponentResource an entry exports, every argument of its constructor
 *   (inherited ones included) with its type as declared, whether it is required, its `@default` and its
 *   doc comment; then every type of this project those arguments use, the same way.
 *
 * The arguments are read with the TypeScript compiler API from the entries' sources. Only this
 * project's files are read (imports of other packages stay unresolved and are printed as written),
 * so a run takes about two CPU seconds. test/package/docs.spec.ts fails when a file is stale.
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { ENTRIES, REQUIRED_PEERS } from "./build-package";

const ROOT = path.resolve(__dirname, "..");
export const COMPONENTS_DOC = path.join(ROOT, "docs", "components.md");
export const README = path.join(ROOT, "README.md");
/** The example both pages show. */
export const EXAMPLE = path.join(ROOT, "examples", "aws.ts");

const MARKERS = {
    example: ["<!-- example:start (npm run docs:components writes it from examples/aws.ts) -->", "<!-- example:end -->"],
    api: ["<!-- api:start (npm run docs:components writes it from the components' types) -->", "<!-- api:end -->"],
} as const;

/** Types produced by the components rather than written by their users: named, not expanded. */
const NOT_EXPANDED: Record<string, string> = {
    ClusterTarget: "the `target` of any cluster component (`agent-platform/contract`; its fields are documented in components/contract.ts)",
};

function cell(s: string): string {
    return s.replace(/\s+/g, " ").replace(/\|/g, "\\|").trim();
}

function anchor(typeName: string): string {
    return `type-${typeName.toLowerCase()}`;
}

/** A program over this project's files only: a bare import (an SDK) is left unresolved. */
function projectProgram(): ts.Program {
    const options: ts.CompilerOptions = {
        target: ts.ScriptTarget.ES2022,
        lib: ["lib.es2022.d.ts"],
        module: ts.ModuleKind.CommonJS,
        moduleResolution: ts.ModuleResolutionKind.Node10,
        strict: true,
        noEmit: true,
        types: [],
    };
    const host = ts.createCompilerHost(options);
    host.resolveModuleNameLiterals = (literals, containingFile) =>
        literals.map((lit) => (lit.text.startsWith(".") ? ts.resolveModuleName(lit.text, containingFile, options, host) : { resolvedModule: undefined }));
    return ts.createProgram({ rootNames: ENTRIES.map((e) => path.join(ROOT, e.source)), options, host });
}

interface Row {
    name: string;
    type: string;
    required: boolean;
    defaultValue: string;
    description: string;
}

interface Documented {
    name: string;
    summary: string;
    rows: Row[];
    /** A type alias that is not an object (a union of literals): its definition. */
    alias?: string;
}

class Collector {
    private readonly checker: ts.TypeChecker;
    /** Named types to expand, in order of first use. */
    readonly types = new Map<string, Documented>();
    private readonly pending: ts.Declaration[] = [];

    constructor(private readonly program: ts.Program) {
        this.checker = program.getTypeChecker();
    }

    private inProject(decl: ts.Node): boolean {
        const file = decl.getSourceFile().fileName;
        return !file.includes(`${path.sep}node_modules${path.sep}`) && !file.includes("/node_modules/") && path.resolve(file).startsWith(ROOT);
    }

    private docOf(symbol: ts.Symbol): { text: string; defaultValue: string } {
        const text = ts.displayPartsToString(symbol.getDocumentationComment(this.checker));
        const def = symbol.getJsDocTags(this.checker).find((t) => t.name === "default");
        return { text, defaultValue: def ? ts.displayPartsToString(def.text) : "" };
    }

    /** The declared type as written, without `import("...")` qualifiers; queues this project's named types it uses. */
    private typeText(node: ts.TypeNode | undefined): string {
        if (!node) {
            return "";
        }
        const visit = (n: ts.Node): void => {
            if (ts.isTypeReferenceNode(n) || ts.isImportTypeNode(n)) {
                const t = this.checker.getTypeFromTypeNode(n);
                const sym = t.aliasSymbol ?? t.getSymbol();
                const decl = sym?.declarations?.[0];
                if (sym && decl && this.inProject(decl) && (ts.isInterfaceDeclaration(decl) || ts.isTypeAliasDeclaration(decl)) && !this.types.has(sym.name)) {
                    this.types.set(sym.name, { name: sym.name, summary: "", rows: [] });
                    this.pending.push(decl);
                }
            }
            ts.forEachChild(n, visit);
        };
        visit(node);
        return node
            .getText()
            .replace(/import\("[^"]+"\)\./g, "")
            .replace(/^\s*\|\s*/, "");
    }

    /** Every property of an interface (inherited ones included), in declaration order. */
    private rowsOf(type: ts.Type): Row[] {
        return this.checker.getPropertiesOfType(type).map((p) => {
            const decl = p.declarations?.[0];
            const typeNode = decl && (ts.isPropertySignature(decl) || ts.isPropertyDeclaration(decl)) ? decl.type : undefined;
            const doc = this.docOf(p);
            return {
                name: p.name,
                type: this.typeText(typeNode),
                required: (p.flags & ts.SymbolFlags.Optional) === 0,
                defaultValue: doc.defaultValue,
                description: doc.text,
            };
        });
    }

    /** The ComponentResources a module exports, each with its constructor's arguments. */
    components(entrySource: string): Documented[] {
        const file = this.program.getSourceFile(path.join(ROOT, entrySource))!;
        const moduleSymbol = this.checker.getSymbolAtLocation(file)!;
        const out: Documented[] = [];
        for (const exported of this.checker.getExportsOfModule(moduleSymbol)) {
            const sym = exported.flags & ts.SymbolFlags.Alias ? this.checker.getAliasedSymbol(exported) : exported;
            const decl = sym.declarations?.find(ts.isClassDeclaration);
            const extendsComponent = decl?.heritageClauses?.some((h) => h.types.some((t) => /ComponentResource$/.test(t.expression.getText())));
            const ctor = decl?.members.find(ts.isConstructorDeclaration);
            const argsParam = ctor?.parameters[1];
            if (!decl || !extendsComponent || !argsParam?.type) {
                continue;
            }
            const argsType = this.checker.getTypeFromTypeNode(argsParam.type);
            out.push({ name: exported.name, summary: this.docOf(sym).text, rows: this.rowsOf(argsType), alias: argsParam.type.getText() });
        }
        return out;
    }

    /** Documents every queued type (and those they use in turn). */
    drain(): void {
        while (this.pending.length > 0) {
            const decl = this.pending.shift()!;
            const sym = this.checker.getSymbolAtLocation((decl as ts.InterfaceDeclaration | ts.TypeAliasDeclaration).name)!;
            const entry = this.types.get(sym.name)!;
            entry.summary = this.docOf(sym).text;
            if (sym.name in NOT_EXPANDED) {
                continue;
            }
            if (ts.isInterfaceDeclaration(decl) || (ts.isTypeAliasDeclaration(decl) && ts.isTypeLiteralNode(decl.type))) {
                entry.rows = this.rowsOf(this.checker.getDeclaredTypeOfSymbol(sym));
            } else if (ts.isTypeAliasDeclaration(decl)) {
                entry.alias = this.typeText(decl.type);
            }
        }
    }
}

/** A `@default` as a cell: code when it is a literal, text when it explains itself (it holds code spans). */
function defaultCell(d: string): string {
    if (!d) {
        return "";
    }
    return d.includes("`") ? cell(d) : `\`${cell(d)}\``;
}

function table(rows: Row[], expanded: ReadonlySet<string>, column: "argument" | "field"): string[] {
    const typeCell = (t: string): string => {
        const used = [...expanded].filter((n) => new RegExp(`\\b${n}\\b`).test(t));
        return `\`${cell(t)}\`${used.map((n) => ` [↓](#${anchor(n)})`).join("")}`;
    };
    return [
        `| ${column} | type | required | default | description |`,
        "|---|---|---|---|---|",
        ...rows.map((r) => `| \`${r.name}\` | ${typeCell(r.type)} | ${r.required ? "yes" : "no"} | ${defaultCell(r.defaultValue)} | ${cell(r.description)} |`),
    ];
}

/** The generated API section of docs/components.md. */
export function renderApi(): string {
    const program = projectProgram();
    const c = new Collector(program);
    const byEntry = ENTRIES.map((e) => ({ entry: e, components: c.components(e.source) }));
    c.drain();
    const expanded = new Set([...c.types.keys()]);
    const out: string[] = [MARKERS.api[0], "", "### Entries", "", "| import from | holds | install beside it |", "|---|---|---|"];
    for (const e of ENTRIES) {
        out.push(`| \`agent-platform/${e.subpath}\` | ${e.summary} | ${[...REQUIRED_PEERS, ...e.peers].map((p) => `\`${p}\``).join(", ")} |`);
    }
    for (const { entry, components } of byEntry) {
        for (const comp of components) {
            out.push(
                "",
                `### \`${comp.name}\` (\`agent-platform/${entry.subpath}\`)`,
                "",
                cell(comp.summary),
                "",
                `\`new ${comp.name}(name: string, args: ${comp.alias}, opts?: pulumi.ComponentResourceOptions)\``,
                "",
            );
            out.push(...table(comp.rows, expanded, "argument"));
        }
    }
    out.push("", "### Types the arguments use");
    for (const t of [...c.types.values()].sort((a, b) => a.name.localeCompare(b.name))) {
        out.push("", `<a id="${anchor(t.name)}"></a>`, `#### \`${t.name}\``, "");
        if (t.name in NOT_EXPANDED) {
            out.push(`${cell(t.summary)} Not written by hand: ${NOT_EXPANDED[t.name]}.`);
        } else if (t.alias !== undefined) {
            // Outside a table: no pipe is escaped.
            const definition = t.alias.replace(/\s+/g, " ");
            out.push(`${t.summary ? `${cell(t.summary)} ` : ""}${/\|/.test(definition) ? "One of" : "Type"}: \`${definition}\``);
        } else {
            if (t.summary) {
                out.push(cell(t.summary), "");
            }
            out.push(...table(t.rows, expanded, "field"));
        }
    }
    out.push("", MARKERS.api[1]);
    return out.join("\n");
}

/** The example block both pages show. */
export function renderExample(): string {
    return [MARKERS.example[0], "```ts", fs.readFileSync(EXAMPLE, "utf8").trimEnd(), "```", MARKERS.example[1]].join("\n");
}

/** `text` with the region between a marker pair replaced; throws when the markers are missing. */
function replaceRegion(text: string, markers: readonly [string, string], region: string, file: string): string {
    const start = text.indexOf(markers[0]);
    const end = text.indexOf(markers[1]);
    if (start < 0 || end < start) {
        throw new Error(`${path.relative(ROOT, file)} lacks the markers ${markers[0]} ... ${markers[1]}`);
    }
    return text.slice(0, start) + region + text.slice(end + markers[1].length);
}

/**
 * What docs/components.md and the README should hold, from their current text; `api` is the API
 * reference when the caller has already rendered it (`renderApi` builds a TypeScript program: about a second).
 */
export function renderDocs(current: { components: string; readme: string }, api = renderApi()): { components: string; readme: string } {
    const example = renderExample();
    const readme = replaceRegion(current.readme, MARKERS.example, example, README);
    const components = replaceRegion(replaceRegion(current.components, MARKERS.example, example, COMPONENTS_DOC), MARKERS.api, api, COMPONENTS_DOC);
    return { components, readme };
}

if (require.main === module) {
    const current = { components: fs.readFileSync(COMPONENTS_DOC, "utf8"), readme: fs.readFileSync(README, "utf8") };
    const next = renderDocs(current);
    fs.writeFileSync(COMPONENTS_DOC, next.components);
    fs.writeFileSync(README, next.readme);
    console.log(
        `${path.relative(process.cwd(), COMPONENTS_DOC)} and ${path.relative(process.cwd(), README)}: ${next.components === current.components && next.readme === current.readme ? "already current" : "updated"}`,
    );
}
