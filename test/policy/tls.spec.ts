/** TLS-in-transit rules. */
import { aksStack, eksStack, get, gkeStack } from "./fixtures";
import { check, mutate, none, one, Res } from "./helpers";

const p = (list: Res[], name: string): any => get(list, name).props;

describe("policy tls-ingress-enforce-host-coverage", () => {
    const rule = "tls-ingress-enforce-host-coverage";
    const ingress = (): Res => ({
        type: "kubernetes:networking.k8s.io/v1:Ingress",
        name: "ing",
        props: {
            metadata: { name: "jamie", namespace: "jamie", annotations: {} },
            spec: {
                tls: [{ hosts: ["jamie.example.com", "*.api.example.com"], secretName: "jamie-tls" }],
                rules: [{ host: "jamie.example.com" }, { host: "v1.api.example.com" }],
            },
        },
    });
    const gateway = (): Res => ({
        type: "kubernetes:gateway.networking.k8s.io/v1:Gateway",
        name: "gw",
        props: {
            metadata: { name: "platform", namespace: "platform-gateway" },
            spec: {
                listeners: [
                    { name: "http", port: 80, protocol: "HTTP" },
                    {
                        name: "https-jamie",
                        port: 443,
                        protocol: "HTTPS",
                        hostname: "jamie.example.com",
                        tls: { mode: "Terminate", certificateRefs: [{ name: "jamie-tls" }] },
                    },
                ],
            },
        },
    });
    it("passes an Ingress whose hosts are all covered (wildcard included) and a Gateway with certificates", async () =>
        none(await check(rule, [ingress(), gateway()])));
    it("rejects an Ingress without spec.tls", async () =>
        one(await check(rule, [mutate(ingress(), (i) => delete (i.props.spec as any).tls)]), "serves plain HTTP", "spec.tls empty"));
    it("rejects a host not covered by spec.tls", async () => {
        one(
            await check(rule, [mutate(ingress(), (i) => (i.props.spec as any).rules.push({ host: "admin.example.com" }))]),
            'hosts ["admin.example.com"] not in spec.tls[].hosts',
        );
    });
    it("rejects allow-http and a disabled SSL redirect", async () => {
        one(
            await check(rule, [mutate(ingress(), (i) => ((i.props.metadata as any).annotations["kubernetes.io/ingress.allow-http"] = "true"))]),
            "allows plain HTTP",
        );
        one(
            await check(rule, [mutate(ingress(), (i) => ((i.props.metadata as any).annotations["nginx.ingress.kubernetes.io/ssl-redirect"] = "false"))]),
            "turns off the HTTPS redirect",
        );
    });
    it("rejects a Gateway HTTP listener not named as a redirect listener, and an HTTPS listener without certificate", async () => {
        one(
            await check(rule, [mutate(gateway(), (g) => ((g.props.spec as any).listeners[0].name = "web"))]),
            'listener "web" serves plain HTTP',
            "allowedHttpListeners",
        );
        one(
            await check(rule, [mutate(gateway(), (g) => ((g.props.spec as any).listeners[1].tls.certificateRefs = []))]),
            'listener "https-jamie" has no certificate',
        );
    });
});

describe("policy tls-loadbalancer-disallow-plain-http", () => {
    const rule = "tls-loadbalancer-disallow-plain-http";
    const https: Res = {
        type: "aws:lb/listener:Listener",
        name: "https",
        props: { protocol: "HTTPS", port: 443, sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06", defaultActions: [{ type: "forward" }] },
    };
    const redirect: Res = {
        type: "aws:lb/listener:Listener",
        name: "http",
        props: { protocol: "HTTP", port: 80, defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }] },
    };
    it("passes an HTTPS listener and an HTTP listener that redirects to HTTPS", async () => none(await check(rule, [https, redirect])));
    it("rejects an HTTP listener that forwards", async () => {
        one(
            await check(rule, [mutate(redirect, (r) => ((r.props as any).defaultActions = [{ type: "forward" }]))]),
            'Listener "http" serves plain HTTP',
            'protocol "HTTP" port 80 with default action "forward"',
        );
    });
    it("rejects a classic ELB HTTP listener", async () => {
        one(
            await check(rule, [
                {
                    type: "aws:elb/loadBalancer:LoadBalancer",
                    name: "elb",
                    props: { listeners: [{ lbProtocol: "http", lbPort: 80, instancePort: 8080, instanceProtocol: "http" }] },
                },
            ]),
            'lbProtocol "http" on port 80',
        );
    });
    it("rejects an Application Gateway Http listener routed to a backend, accepts one that only redirects", async () => {
        const agw = (redirectOnly: boolean): Res => ({
            type: "azure-native:network:ApplicationGateway",
            name: "agw",
            props: {
                httpListeners: [{ name: "http", protocol: "Http" }],
                redirectConfigurations: [{ name: "to-https", redirectType: "Permanent", targetListener: { id: "/x/httpListeners/https" } }],
                requestRoutingRules: [
                    redirectOnly
                        ? { httpListener: { id: "/x/httpListeners/http" }, redirectConfiguration: { id: "/x/redirectConfigurations/to-https" } }
                        : { httpListener: { id: "/x/httpListeners/http" }, backendAddressPool: { id: "/x/pool" } },
                ],
            },
        });
        one(await check(rule, [agw(false)]), 'listener "http" serves plain HTTP');
        none(await check(rule, [agw(true)]));
    });
});

describe("policy tls-listener-enforce-modern-policy", () => {
    const rule = "tls-listener-enforce-modern-policy";
    const l = (sslPolicy?: string): Res => ({
        type: "aws:lb/listener:Listener",
        name: "https",
        props: { protocol: "HTTPS", port: 443, ...(sslPolicy ? { sslPolicy } : {}) },
    });
    it("passes an allow-listed TLS 1.2+ policy and ignores HTTP listeners", async () =>
        none(
            await check(rule, [
                l("ELBSecurityPolicy-TLS13-1-2-2021-06"),
                { type: "aws:lb/listener:Listener", name: "http", props: { protocol: "HTTP", port: 80 } },
            ]),
        ));
    it("rejects the AWS default policy when none is set", async () =>
        one(await check(rule, [l()]), "sslPolicy not set (AWS default ELBSecurityPolicy-2016-08, TLS 1.0)"));
    it("rejects a policy outside the allow-list unless config adds it", async () => {
        one(await check(rule, [l("ELBSecurityPolicy-2016-08")]), 'sslPolicy "ELBSecurityPolicy-2016-08"');
        none(await check(rule, [l("ELBSecurityPolicy-2016-08")], { allowedAwsSslPolicies: ["ELBSecurityPolicy-2016-08"] }));
    });
    it("rejects a GCP SSL policy defaulting to TLS 1.0 and an App Gateway below TLS 1.2", async () => {
        one(
            await check(rule, [{ type: "gcp:compute/sSLPolicy:SSLPolicy", name: "ssl", props: { profile: "MODERN" } }]),
            "minTlsVersion not set (GCP default TLS_1_0)",
        );
        one(
            await check(rule, [
                { type: "azure-native:network:ApplicationGateway", name: "agw", props: { sslPolicy: { policyType: "Custom", minProtocolVersion: "TLSv1_0" } } },
            ]),
            'sslPolicy.minProtocolVersion "TLSv1_0"',
        );
    });
});

describe("policy tls-service-enforce-loadbalancer-tls", () => {
    const rule = "tls-service-enforce-loadbalancer-tls";
    const svc = (annotations: Record<string, string>, ports: { port: number; name?: string }[]): Res => ({
        type: "kubernetes:core/v1:Service",
        name: "svc",
        props: { metadata: { name: "edge", namespace: "gw", annotations }, spec: { type: "LoadBalancer", ports } },
    });
    it("passes an internal LB, a 443-only LB and an LB with a certificate on every port; ignores ClusterIP", async () => {
        none(await check(rule, [svc({ "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal" }, [{ port: 80 }])]));
        none(await check(rule, [svc({}, [{ port: 443 }])]));
        none(await check(rule, [svc({ "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": "arn:aws:acm:x" }, [{ port: 8443 }])]));
        none(await check(rule, [{ type: "kubernetes:core/v1:Service", name: "c", props: { spec: { type: "ClusterIP", ports: [{ port: 80 }] } } }]));
    });
    it("rejects a public LB exposing port 80", async () =>
        one(
            await check(rule, [svc({}, [{ port: 80 }, { port: 443 }])]),
            "public load balancer with plain ports",
            "ports [80] without TLS termination (no aws-load-balancer-ssl-cert annotation)",
        ));
    it("rejects a port outside ssl-ports", async () => {
        one(
            await check(rule, [
                svc(
                    {
                        "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": "arn:aws:acm:x",
                        "service.beta.kubernetes.io/aws-load-balancer-ssl-ports": "8443",
                    },
                    [{ port: 8443 }, { port: 8080 }],
                ),
            ]),
            "ports [8080]",
        );
    });
    it("honours tlsTerminatedPorts", async () => none(await check(rule, [svc({}, [{ port: 8443 }])], { tlsTerminatedPorts: [8443] })));
});

describe("policy tls-database-enforce-encrypted-connections", () => {
    const rule = "tls-database-enforce-encrypted-connections";
    it("passes Cloud SQL ENCRYPTED_ONLY, an RDS group forcing SSL and Azure SQL TLS 1.2", async () => {
        none(
            await check(rule, [
                { type: "gcp:sql/databaseInstance:DatabaseInstance", name: "sql", props: { settings: { ipConfiguration: { sslMode: "ENCRYPTED_ONLY" } } } },
                {
                    type: "aws:rds/parameterGroup:ParameterGroup",
                    name: "pg",
                    props: { family: "postgres16", parameters: [{ name: "rds.force_ssl", value: "1" }] },
                },
                { type: "azure-native:sql:Server", name: "az", props: { minimalTlsVersion: "1.2" } },
            ]),
        );
    });
    it("rejects Cloud SQL without sslMode", async () =>
        one(
            await check(rule, [{ type: "gcp:sql/databaseInstance:DatabaseInstance", name: "sql", props: { settings: {} } }]),
            "settings.ipConfiguration.sslMode not set",
        ));
    it("rejects an RDS PostgreSQL parameter group without rds.force_ssl", async () => {
        one(
            await check(rule, [
                {
                    type: "aws:rds/parameterGroup:ParameterGroup",
                    name: "pg",
                    props: { family: "postgres16", parameters: [{ name: "rds.force_ssl", value: "0" }] },
                },
            ]),
            'parameters ["rds.force_ssl=0"]',
            "rds.force_ssl = 1",
        );
    });
    it("rejects Azure require_secure_transport off and SQL TLS 1.0", async () => {
        one(
            await check(rule, [
                { type: "azure-native:dbforpostgresql:Configuration", name: "c", props: { configurationName: "require_secure_transport", value: "OFF" } },
            ]),
            "turns off required TLS",
        );
        one(await check(rule, [{ type: "azure-native:sql:Server", name: "az", props: { minimalTlsVersion: "1.0" } }]), 'minimalTlsVersion "1.0"');
    });
});

describe("policy tls-database-enforce-in-cluster-tls", () => {
    const rule = "tls-database-enforce-in-cluster-tls";
    const cnpg = (): Res => ({
        type: "kubernetes:postgresql.cnpg.io/v1:Cluster",
        name: "pg",
        props: { spec: { instances: 3, postgresql: { pg_hba: ["hostnossl all all 0.0.0.0/0 reject", "hostssl all all 0.0.0.0/0 scram-sha-256"] } } },
    });
    const mongo = (): Res => ({
        type: "kubernetes:psmdb.percona.com/v1:PerconaServerMongoDB",
        name: "mongo",
        props: { spec: { tls: { mode: "requireTLS" } } },
    });
    const redis = (): Res => ({
        type: "kubernetes:redis.redis.opstreelabs.in/v1beta2:RedisReplication",
        name: "redis",
        props: {
            spec: { clusterSize: 3, TLS: { secret: { secretName: "redis-tls" } }, kubernetesConfig: { redisSecret: { name: "redis-auth", key: "password" } } },
        },
    });
    it("passes CloudNativePG rejecting hostnossl, MongoDB requireTLS and Redis with TLS and auth", async () =>
        none(await check(rule, [cnpg(), mongo(), redis()])));
    it("rejects a CloudNativePG cluster that allows non-SSL host connections", async () => {
        one(
            await check(rule, [mutate(cnpg(), (c) => ((c.props.spec as any).postgresql.pg_hba = ["host all all 0.0.0.0/0 md5"]))]),
            "accepts non-TLS connections",
            "a pg_hba host/hostnossl line that does not reject",
        );
    });
    it("rejects MongoDB without tls.mode (operator default preferTLS)", async () =>
        one(await check(rule, [mutate(mongo(), (m) => delete (m.props.spec as any).tls)]), "spec.tls.mode not set (operator default preferTLS)"));
    it("rejects Redis without TLS and without a password (one violation each)", async () => {
        one(await check(rule, [mutate(redis(), (r) => delete (r.props.spec as any).TLS)]), "serves Redis without TLS");
        one(await check(rule, [mutate(redis(), (r) => delete (r.props.spec as any).kubernetesConfig.redisSecret)]), "serves Redis without a password");
    });
});

describe("policy tls-cluster-disallow-public-endpoint", () => {
    const rule = "tls-cluster-disallow-public-endpoint";
    it("passes private endpoints on EKS, GKE and AKS", async () => none(await check(rule, [...eksStack(), ...gkeStack(), ...aksStack()])));
    it("rejects an EKS cluster without endpointPublicAccess (EKS default true)", async () => {
        one(
            await check(
                rule,
                mutate(eksStack(), (x) => delete p(x, "eks").vpcConfig.endpointPublicAccess),
            ),
            "exposes its API endpoint publicly",
            "vpcConfig.endpointPublicAccess not set (EKS default true)",
        );
    });
    it("allows a CIDR-restricted public endpoint only when allowPublicEndpoint is on, and never open to 0.0.0.0/0", async () => {
        const s = mutate(eksStack(), (x) => Object.assign(p(x, "eks").vpcConfig, { endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] }));
        none(await check(rule, s, { allowPublicEndpoint: true }));
        const open = mutate(s, (x) => (p(x, "eks").vpcConfig.publicAccessCidrs = ["0.0.0.0/0"]));
        one(await check(rule, open, { allowPublicEndpoint: true }), "to the whole internet", 'allowed CIDRs ["0.0.0.0/0"]');
    });
    // Issue 11 case 3: openness is judged on the union of the ranges, not on the literal 0.0.0.0/0.
    const openLists: [string, string[]][] = [
        ["two halves of the internet", ["0.0.0.0/1", "128.0.0.0/1"]],
        ["0.0.0.0/0 written with a leading zero", ["0.0.0.0/00"]],
        ["a /8 of public addresses", ["11.0.0.0/8"]],
        ["many /17s that together exceed one /16", ["198.18.0.0/17", "198.18.128.0/17", "198.19.0.0/17"]],
        ["IPv6 everywhere", ["203.0.113.0/24", "::/0"]],
        ["an entry that is not a CIDR", ["office"]],
        ["an empty list", []],
    ];
    for (const [title, cidrs] of openLists) {
        it(`treats ${title} as open to the internet on EKS, GKE and AKS`, async () => {
            const eks = mutate(eksStack(), (x) => Object.assign(p(x, "eks").vpcConfig, { endpointPublicAccess: true, publicAccessCidrs: cidrs }));
            one(await check(rule, eks, { allowPublicEndpoint: true }), "to the whole internet");
            const gke = mutate(gkeStack(), (x) => {
                p(x, "gke").privateClusterConfig.enablePrivateEndpoint = false;
                p(x, "gke").masterAuthorizedNetworksConfig = { cidrBlocks: cidrs.map((c) => ({ cidrBlock: c })) };
            });
            one(await check(rule, gke, { allowPublicEndpoint: true }), "to the whole internet");
            const aks = mutate(aksStack(), (x) =>
                Object.assign(p(x, "aks").apiServerAccessProfile, { enablePrivateCluster: false, authorizedIPRanges: cidrs }),
            );
            one(await check(rule, aks, { allowPublicEndpoint: true }), "to the whole internet");
        });
    }
    it("accepts ranges that together stay within the configured prefix, and private ranges of any size", async () => {
        const eks = (cidrs: string[]) =>
            mutate(eksStack(), (x) => Object.assign(p(x, "eks").vpcConfig, { endpointPublicAccess: true, publicAccessCidrs: cidrs }));
        none(await check(rule, eks(["198.18.0.0/17", "198.18.128.0/17"]), { allowPublicEndpoint: true }));
        none(await check(rule, eks(["10.0.0.0/8", "203.0.113.0/24"]), { allowPublicEndpoint: true }));
        one(await check(rule, eks(["198.18.0.0/16"]), { allowPublicEndpoint: true, minPrefixLength: 20 }), "more than one /20");
        none(await check(rule, eks(["11.0.0.0/8"]), { allowPublicEndpoint: true, minPrefixLength: 8 }));
    });
    it("rejects GKE public nodes and AKS without a private cluster", async () => {
        one(
            await check(
                rule,
                mutate(gkeStack(), (x) => (p(x, "gke").privateClusterConfig.enablePrivateNodes = false)),
            ),
            "gives nodes public IPs",
        );
        one(
            await check(
                rule,
                mutate(aksStack(), (x) => (p(x, "aks").apiServerAccessProfile.enablePrivateCluster = false)),
            ),
            "apiServerAccessProfile.enablePrivateCluster false",
        );
    });
});
