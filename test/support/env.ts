/** Test helpers for the environment variables the code under test reads. */

/** Runs `fn` with the variable `name` set to `value` (unset when undefined), restoring it afterwards. */
export async function withEnv<T>(name: string, value: string | undefined, fn: () => Promise<T>): Promise<T> {
    const before = process.env[name];
    if (value === undefined) {
        delete process.env[name];
    } else {
        process.env[name] = value;
    }
    try {
        return await fn();
    } finally {
        if (before === undefined) {
            delete process.env[name];
        } else {
            process.env[name] = before;
        }
    }
}
