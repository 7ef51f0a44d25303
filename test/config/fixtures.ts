/** Stack configurations the config tests start from. */

/** A valid production AWS configuration, as the stack file gives it (decoded). */
export function goodAws(): Record<string, unknown> {
    return {
        cloud: "aws",
        environment: "prod",
        region: "eu-west-1",
        zones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
        aws: { adminPrincipalArns: ["arn:aws:iam::111122223333:role/platform-admins"] },
        platform: {
            domain: "agents.example.com",
            acmeEmail: "ops@example.com",
            jamie: { repository: "ghcr.io/example/jamie", tag: "1.4.2" },
            scarlet: { repository: "ghcr.io/example/scarlet", tag: "2.1.0" },
        },
    };
}
