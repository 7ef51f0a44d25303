// Lint: ESLint's recommended rules plus typescript-eslint's, Pulumi's own rules where Outputs live,
// formatting left to Prettier (eslint-config-prettier turns off the rules it owns); zero warnings
// allowed (npm run lint, which also runs prettier --check).
import js from "@eslint/js";
import pulumi from "@pulumi/eslint-plugin";
import prettier from "eslint-config-prettier";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["node_modules/**", "bin/**", "dist/**", "policy/bin/**", ".cache/**", "charts/**", "**/*.js", "**/*.mjs"] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        rules: {
            // Mock and policy code reads untyped provider properties; `any` there is deliberate.
            "@typescript-eslint/no-explicit-any": "off",
            "@typescript-eslint/no-require-imports": "off",
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
            eqeqeq: ["error", "always"],
            "no-console": "off",
        },
    },
    {
        // An Output in a plain template literal prints "Calling [toString] on an Output<T> is not
        // supported" instead of its value: @pulumi/eslint-plugin's rules need the types, so they run
        // (type-aware) on the code that handles Outputs: the program, the components and the examples.
        files: ["index.ts", "components/**/*.ts", "examples/**/*.ts"],
        plugins: { "@pulumi": pulumi },
        languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
        rules: {
            "@pulumi/no-output-in-template-literal": "error",
            "@pulumi/no-output-instance-in-template-literal": "error",
        },
    },
    prettier,
);
