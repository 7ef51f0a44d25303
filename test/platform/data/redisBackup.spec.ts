/** Issue 14 part 2: Redis's RDB copied off the cluster daily (components/platform/data/redisBackup.ts). */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REDIS_AUTH_SECRET, REDIS_IMAGES, REDIS_TLS_SECRET } from "../../../components/platform/data/redis";
import {
    dumpScript,
    RCLONE_IMAGE,
    REDIS_BACKUP_NAME,
    REDIS_BACKUP_PREFIX,
    REDIS_BACKUP_SCHEDULE,
    uploadScript,
} from "../../../components/platform/data/redisBackup";
import { alertExpr } from "../../../components/platform/observability/alertRules";
import { BACKUP_ALERT_GROUP } from "../../../components/platform/observability/backupAlerts";
import { OBJECT_STORE_PREFIXES, retentionRules } from "../../../components/retention";
import { policies } from "../../../policy/policies";
import { loadPolicyConfig } from "../../../policy/config";
import { runPolicies } from "../../../policy/runner";
import { at, leakedSecrets, ofType, one } from "../helpers";
import { DataRun, RETENTION, runData, STATIC_SECRET_KEY } from "./fixtures";

const CRONJOB = "kubernetes:batch/v1:CronJob";
const NETPOL = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const NAME = "t-data-redis-backup";

function pod(run: DataRun): any {
    return at(one(run.run, CRONJOB, NAME).inputs, "spec.jobTemplate.spec.template.spec");
}

function env(container: any): Record<string, unknown> {
    return Object.fromEntries((container.env as any[]).map((e) => [e.name, e.value ?? e.valueFrom]));
}

describe("platform data: Redis's daily copy off the cluster", function () {
    let prod: DataRun;
    before(async () => {
        prod = await runData();
    });

    it("runs daily at 02:30 UTC, one job at a time, with a deadline, after the replication and its certificate exist", () => {
        const cj = one(prod.run, CRONJOB, NAME);
        const spec = cj.inputs.spec as any;
        assert.strictEqual(REDIS_BACKUP_SCHEDULE, "30 2 * * *");
        assert.deepStrictEqual(
            [
                spec.schedule,
                spec.timeZone,
                spec.concurrencyPolicy,
                spec.startingDeadlineSeconds,
                spec.jobTemplate.spec.activeDeadlineSeconds,
                spec.jobTemplate.spec.backoffLimit,
            ],
            ["30 2 * * *", "Etc/UTC", "Forbid", 3600, 3600, 3],
        );
        assert.deepStrictEqual(at(cj.inputs, "metadata"), { name: REDIS_BACKUP_NAME, namespace: "data-redis", labels: { app: REDIS_BACKUP_NAME } });
        for (const dep of ["t-data-redis-replication", "t-data-redis-tls", "t-data-redis-auth"]) {
            assert.ok(
                cj.opts.dependsOn.some((u) => u.endsWith(`::${dep}`)),
                `waits for ${dep}`,
            );
        }
    });

    it("takes the RDB from a replica over TLS with the generated password, then uploads it with rclone", () => {
        const spec = pod(prod);
        const [dump] = spec.initContainers;
        const [upload] = spec.containers;
        assert.strictEqual(dump.image, REDIS_IMAGES.redis);
        assert.strictEqual(upload.image, RCLONE_IMAGE);
        assert.match(RCLONE_IMAGE, /^docker\.io\/rclone\/rclone:\d+\.\d+\.\d+$/);
        assert.deepStrictEqual(dump.command, ["/bin/sh", "-c", dumpScript()]);
        assert.deepStrictEqual(upload.command, ["/bin/sh", "-c", uploadScript()]);
        assert.deepStrictEqual(env(dump), {
            REDIS_HOST: "redis-replica.data-redis.svc.cluster.local",
            REDIS_PORT: "6379",
            REDISCLI_AUTH: { secretKeyRef: { name: REDIS_AUTH_SECRET, key: "password" } },
        });
        assert.deepStrictEqual(spec.volumes.find((v: any) => v.name === "tls").secret.secretName, REDIS_TLS_SECRET);
        assert.deepStrictEqual(spec.volumes.find((v: any) => v.name === "scratch").emptyDir, { sizeLimit: "20Gi" });
        assert.ok(dumpScript().includes("--rdb /backup/dump.rdb") && dumpScript().includes("--tls"));
    });

    it("writes to <store>/backups/redis as the ServiceAccount bound to the cloud identity, and keeps backupDays", () => {
        const binding = prod.bindings.find((b) => b.serviceAccount === REDIS_BACKUP_NAME);
        assert.deepStrictEqual(binding, {
            name: "t-data-redis-backup-identity",
            namespace: "data-redis",
            serviceAccount: REDIS_BACKUP_NAME,
            objectStoreAccess: "readWrite",
        });
        const sa = one(prod.run, "kubernetes:core/v1:ServiceAccount", "t-data-redis-backup-sa").inputs as any;
        assert.deepStrictEqual(sa.metadata.annotations, { "eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/t-data-redis-backup-identity" });
        assert.strictEqual(sa.automountServiceAccountToken, false);
        const spec = pod(prod);
        assert.strictEqual(spec.serviceAccountName, REDIS_BACKUP_NAME);
        const e = env(spec.containers[0]);
        assert.strictEqual(e.DESTINATION, ":s3:agents-test-backups/backups/redis");
        assert.strictEqual(e.KEEP_DAYS, String(RETENTION.backupDays));
        assert.deepStrictEqual([e.RCLONE_S3_PROVIDER, e.RCLONE_S3_ENV_AUTH, e.RCLONE_S3_REGION], ["AWS", "true", "eu-west-1"]);
        // The bucket's lifecycle rule on backups/ expires the copies at the same age (the backstop).
        assert.ok(REDIS_BACKUP_PREFIX.startsWith(OBJECT_STORE_PREFIXES.backups));
        assert.strictEqual(retentionRules(RETENTION).find((r) => r.prefix === OBJECT_STORE_PREFIXES.backups)?.days, RETENTION.backupDays);
        assert.ok(uploadScript().includes('rclone delete --min-age "${KEEP_DAYS}d" "$DESTINATION"'));
    });

    it("runs under the restricted profile: non-root, read-only root filesystem, no escalation, no capabilities, resources set", () => {
        const spec = pod(prod);
        assert.deepStrictEqual(spec.securityContext, {
            runAsNonRoot: true,
            runAsUser: 1000,
            runAsGroup: 1000,
            fsGroup: 1000,
            seccompProfile: { type: "RuntimeDefault" },
        });
        assert.strictEqual(spec.restartPolicy, "Never");
        for (const c of [...spec.initContainers, ...spec.containers]) {
            assert.deepStrictEqual(
                c.securityContext,
                {
                    allowPrivilegeEscalation: false,
                    readOnlyRootFilesystem: true,
                    runAsNonRoot: true,
                    privileged: false,
                    capabilities: { drop: ["ALL"] },
                    seccompProfile: { type: "RuntimeDefault" },
                },
                c.name,
            );
            assert.ok(c.resources.requests.cpu && c.resources.requests.memory && c.resources.limits.cpu && c.resources.limits.memory, `${c.name} resources`);
        }
        assert.strictEqual(spec.hostNetwork, undefined);
    });

    it("passes the pack's pod rules (privilege, non-root, resources, pinned images from allowed registries, plaintext)", async () => {
        const records = [one(prod.run, CRONJOB, NAME)];
        const names = [
            "workloads-pod-disallow-privilege",
            "workloads-pod-enforce-non-root",
            "workloads-pod-enforce-resources",
            "workloads-pod-disallow-unpinned-images",
            "workloads-image-enforce-registry",
            "secrets-kubernetes-disallow-plaintext",
        ];
        const rules = policies.filter((p) => names.includes(p.name));
        assert.strictEqual(rules.length, names.length);
        assert.deepStrictEqual(await runPolicies(rules, records, loadPolicyConfig("aws-prod")), []);
    });

    it("has a NetworkPolicy that lets it reach only Redis, DNS and 443, and nothing reach it", () => {
        const np = one(prod.run, NETPOL, "t-data-redis-backup-network").inputs as any;
        assert.deepStrictEqual(np.metadata, { name: REDIS_BACKUP_NAME, namespace: "data-redis" });
        assert.deepStrictEqual(np.spec.podSelector, { matchLabels: { app: REDIS_BACKUP_NAME } });
        assert.deepStrictEqual(np.spec.policyTypes, ["Ingress", "Egress"]);
        assert.deepStrictEqual(np.spec.ingress, []);
        assert.deepStrictEqual(np.spec.egress, [
            { to: [{ podSelector: { matchLabels: { app: "redis" } } }], ports: [{ protocol: "TCP", port: 6379 }] },
            {
                to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } } }, { ipBlock: { cidr: "169.254.20.10/32" } }],
                ports: [
                    { protocol: "UDP", port: 53 },
                    { protocol: "TCP", port: 53 },
                ],
            },
            { to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ protocol: "TCP", port: 443 }] },
        ]);
        assert.deepStrictEqual(
            at(one(prod.run, CRONJOB, NAME).inputs, "spec.jobTemplate.spec.template.metadata.labels"),
            { app: REDIS_BACKUP_NAME },
            "the label the policy selects",
        );
    });

    it("reaches GCS and Azure Blob through their workload identities, and an S3-compatible store with its keys from a Secret", async () => {
        const gcs = env(pod(await runData({ store: "gcs" })).containers[0]);
        assert.strictEqual(gcs.DESTINATION, ":gcs:agents-test-backups/backups/redis");
        assert.deepStrictEqual([gcs.RCLONE_GCS_ENV_AUTH, gcs.RCLONE_GCS_BUCKET_POLICY_ONLY], ["true", "true"]);
        const azure = env(pod(await runData({ store: "azureBlob" })).containers[0]);
        assert.strictEqual(azure.DESTINATION, ":azureblob:agents-test-backups/backups/redis");
        assert.deepStrictEqual([azure.RCLONE_AZUREBLOB_ENV_AUTH, azure.RCLONE_AZUREBLOB_ACCOUNT], ["true", "agentsteststore"]);
        const s3c = await runData({ store: "s3Compatible" });
        const e = env(pod(s3c).containers[0]);
        assert.deepStrictEqual([e.RCLONE_S3_PROVIDER, e.RCLONE_S3_ENDPOINT], ["Other", "https://minio.example.internal:9000"]);
        assert.deepStrictEqual(e.AWS_SECRET_ACCESS_KEY, { secretKeyRef: { name: "redis-backup-store-credentials", key: "AWS_SECRET_ACCESS_KEY" } });
        assert.ok(!JSON.stringify(one(s3c.run, CRONJOB, NAME).inputs).includes(STATIC_SECRET_KEY));
        assert.deepStrictEqual(leakedSecrets(s3c.run), []);
    });

    it("is not created without an object store (warned) or without the operator (no replication to copy)", async () => {
        const none = await runData({ store: "none" });
        assert.deepStrictEqual(ofType(none.run, CRONJOB), []);
        assert.ok(none.data.warnings.some((w) => w.includes("Redis's daily copies off the cluster")));
        const noCharts = await runData({ thirdPartyCharts: false });
        assert.deepStrictEqual(ofType(noCharts.run, CRONJOB), []);
    });

    it("alerts when the last successful copy is older than a day and two hours, or when none ever succeeded", () => {
        const rule = BACKUP_ALERT_GROUP.rules.find((r) => r.alert === "RedisBackupTooOld")!;
        const sel = 'namespace="data-redis", cronjob="redis-backup"';
        assert.strictEqual(
            alertExpr(rule),
            `time() - max by (namespace, cronjob) (kube_cronjob_status_last_successful_time{${sel}}) > 93600 or ` +
                `(time() - max by (namespace, cronjob) (kube_cronjob_created{${sel}}) unless on (namespace, cronjob) kube_cronjob_status_last_successful_time{${sel}}) > 93600`,
        );
        assert.ok(rule.summary.startsWith("Redis"));
    });
});

describe("platform data: the Redis copy's scripts, run with stand-ins for redis-cli and rclone", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "redis-backup-"));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin);
    const log = path.join(dir, "calls.log");
    const stub = (name: string, body: string): void => {
        fs.writeFileSync(path.join(bin, name), `#!/bin/sh\necho "${name} $*" >> "${log}"\n${body}\n`, { mode: 0o755 });
    };
    const run = (script: string, extra: Record<string, string>): { status: number | null; stderr: string } => {
        const r = spawnSync("/bin/sh", ["-c", script], { env: { PATH: `${bin}:${process.env.PATH}`, ...extra }, encoding: "utf8" });
        return { status: r.status, stderr: r.stderr };
    };

    it("the dump keeps a real RDB and fails on anything else", () => {
        // The stand-in writes what a server would send to the file named after --rdb.
        stub("redis-cli", 'out=""; while [ $# -gt 0 ]; do [ "$1" = --rdb ] && out="$2"; shift; done; printf "%s" "$PAYLOAD" > "$out"');
        const ok = run(dumpScript(dir, "/tls"), { REDIS_HOST: "redis-replica", REDIS_PORT: "6379", PAYLOAD: "REDIS0011rest-of-the-file" });
        assert.strictEqual(ok.status, 0, ok.stderr);
        assert.match(
            fs.readFileSync(log, "utf8"),
            /^redis-cli --tls --cacert \/tls\/ca.crt --cert \/tls\/tls.crt --key \/tls\/tls.key -h redis-replica -p 6379 --rdb .*\/dump\.rdb$/m,
        );
        assert.notStrictEqual(run(dumpScript(dir, "/tls"), { REDIS_HOST: "h", REDIS_PORT: "1", PAYLOAD: "-ERR no sync" }).status, 0);
        stub("redis-cli", "exit 1");
        assert.notStrictEqual(run(dumpScript(dir, "/tls"), { REDIS_HOST: "h", REDIS_PORT: "1" }).status, 0, "a failed redis-cli fails the job");
    });

    it("the upload names the copy by its UTC time, then deletes copies older than KEEP_DAYS; a failed upload deletes nothing", () => {
        fs.writeFileSync(log, "");
        stub("rclone", "exit 0");
        const ok = run(uploadScript(dir), { DESTINATION: ":s3:bucket/backups/redis", KEEP_DAYS: "30" });
        assert.strictEqual(ok.status, 0, ok.stderr);
        const calls = fs.readFileSync(log, "utf8").trim().split("\n");
        assert.match(calls[0], new RegExp(`^rclone copyto --checksum ${dir}/dump\\.rdb :s3:bucket/backups/redis/redis-\\d{4}-\\d{2}-\\d{2}T\\d{6}Z\\.rdb$`));
        assert.strictEqual(calls[1], "rclone delete --min-age 30d :s3:bucket/backups/redis");
        fs.writeFileSync(log, "");
        stub("rclone", '[ "$1" = copyto ] && exit 1; exit 0');
        assert.notStrictEqual(run(uploadScript(dir), { DESTINATION: ":s3:b/p", KEEP_DAYS: "30" }).status, 0);
        assert.deepStrictEqual(
            fs
                .readFileSync(log, "utf8")
                .trim()
                .split("\n")
                .map((l) => l.split(" ")[1]),
            ["copyto"],
        );
    });
});
