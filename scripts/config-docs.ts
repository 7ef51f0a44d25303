/**
 * `npm run docs:config`: regenerates the README's table of config keys from Pulumi.yaml's
 * `config:` declarations (type, default, description), between the config-table markers.
 * A test checks the README's table is current.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";

const ROOT = path.resolve(__dirname, "..");
export const START = "<!-- config-table:start -->";
export const END = "<!-- config-table:end -->";

interface Declared {
    type?: string;
    default?: unknown;
    description?: string;
    items?: { type: string };
}

/** The markdown table of every config key the program reads. */
export function configTable(): string {
    const project = YAML.parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { name: string; config: Record<string, Declared> };
    const rows = Object.entries(project.config).map(([key, d]) => {
        const type = d.type === "array" && d.items ? `array of ${d.items.type}` : (d.type ?? "any");
        const required =
            d.default === undefined
                ? "**required**"
                : `\`${JSON.stringify(d.default)}\`${JSON.stringify(d.default) === '""' || JSON.stringify(d.default) === "{}" || JSON.stringify(d.default) === "[]" ? " (program default)" : ""}`;
        return `| \`${project.name}:${key}\` | ${type} | ${required} | ${(d.description ?? "").replace(/\|/g, "\\|")} |`;
    });
    return [START, "| key | type | default | description |", "|---|---|---|---|", ...rows, END].join("\n");
}

/** README text with the table replaced by the current one. */
export function withCurrentTable(readme: string): string {
    return readme.replace(new RegExp(`${START}[\\s\\S]*?${END}`), configTable());
}

if (require.main === module) {
    const file = path.join(ROOT, "README.md");
    fs.writeFileSync(file, withCurrentTable(fs.readFileSync(file, "utf8")));
    console.error("README.md: config table regenerated from Pulumi.yaml");
}
