/**
 * A Kubernetes control plane on loopback for the e2e: kine (the etcd API on SQLite), kube-apiserver and
 * kube-controller-manager, built by scripts/install-engine.sh (k8s.io/kubernetes v1.35.x, kine v0.17.x).
 *
 * `startControlPlane()` generates a throw-away PKI with openssl (a CA, the API server's serving certificate for
 * 127.0.0.1, client certificates for the admin user and the controller manager, the service-account signing key),
 * starts the three processes on 127.0.0.1 only (free ports chosen by the OS), waits for `/readyz`, and writes a
 * kubeconfig. There are no nodes and no kubelet: Pods are created (and judged by Pod Security admission) but stay
 * Pending. `stop()` stops each process by its own PID (SIGTERM, then SIGKILL after 10 s).
 *
 * The admin user is `agent-platform-e2e` in `system:masters` (what `pulumi up` and the checks use).
 * Process logs: <dir>/logs/{kine,kube-apiserver,kube-controller-manager}.log.
 */
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { Kube } from "./kube";

/** The client certificate's user name: what admission policies of the run match on. */
export const ADMIN_USER = "agent-platform-e2e";
/** The kubeconfig's context name. */
export const CONTEXT = "agent-platform-e2e";
/** Service CIDR of the control plane (the API server's own Service takes its first address). */
export const SERVICE_CIDR = "10.96.0.0/16";

export interface ControlPlaneOptions {
    /** Folder with kine, kube-apiserver and kube-controller-manager. */
    binDir: string;
    /** Working folder (PKI, SQLite database, logs, kubeconfig); created. */
    dir: string;
    /** Progress lines. */
    log: (message: string) => void;
    /** How long to wait for /readyz, in seconds. @default 180 */
    readyTimeoutSeconds?: number;
}

export interface ControlPlane {
    /** https://127.0.0.1:<port> */
    server: string;
    kubeconfigPath: string;
    kube: Kube;
    /** PIDs of kine, kube-apiserver, kube-controller-manager. */
    pids: Record<string, number>;
    /** Seconds from starting kine to /readyz answering ok. */
    readySeconds: number;
    /** Version the API server reports (`/version` gitVersion). */
    version: string;
    /** Stops the three processes by their own PIDs, the controller manager first; returns what it did per process. */
    stop(): Promise<string[]>;
}

function openssl(args: string[], cwd: string): void {
    const res = spawnSync("openssl", args, { cwd, encoding: "utf8" });
    if (res.status !== 0) {
        throw new Error(`openssl ${args.join(" ")} failed: ${res.stderr || res.error?.message}`);
    }
}

/** A CA and the certificates and keys of the run, in `pki`. */
function makePki(pki: string): void {
    fs.mkdirSync(pki, { recursive: true });
    openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=agent-platform-e2e-ca"], pki);
    const leaf = (name: string, subject: string, ext: string): void => {
        fs.writeFileSync(path.join(pki, `${name}.ext`), ext);
        openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", subject], pki);
        openssl(
            [
                "x509",
                "-req",
                "-in",
                `${name}.csr`,
                "-CA",
                "ca.crt",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                `${name}.crt`,
                "-days",
                "2",
                "-extfile",
                `${name}.ext`,
            ],
            pki,
        );
    };
    leaf(
        "apiserver",
        "/CN=kube-apiserver",
        "subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local\n" +
            "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n",
    );
    leaf("admin", `/O=system:masters/CN=${ADMIN_USER}`, "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n");
    leaf("controller-manager", "/CN=system:kube-controller-manager", "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n");
    openssl(["genrsa", "-out", "sa.key", "2048"], pki);
    openssl(["rsa", "-in", "sa.key", "-pubout", "-out", "sa.pub"], pki);
}

function kubeconfig(server: string, pki: string, user: string, certName: string): string {
    const b64 = (f: string): string => fs.readFileSync(path.join(pki, f)).toString("base64");
    return [
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        `- name: ${CONTEXT}`,
        "  cluster:",
        `    server: ${server}`,
        `    certificate-authority-data: ${b64("ca.crt")}`,
        "users:",
        `- name: ${user}`,
        "  user:",
        `    client-certificate-data: ${b64(`${certName}.crt`)}`,
        `    client-key-data: ${b64(`${certName}.key`)}`,
        "contexts:",
        `- name: ${CONTEXT}`,
        "  context:",
        `    cluster: ${CONTEXT}`,
        `    user: ${user}`,
        `current-context: ${CONTEXT}`,
        "",
    ].join("\n");
}

/** A free TCP port on 127.0.0.1 (the OS picks it; released before use). */
function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const srv = net.createServer();
        srv.once("error", reject);
        srv.listen(0, "127.0.0.1", () => {
            const port = (srv.address() as net.AddressInfo).port;
            srv.close(() => resolve(port));
        });
    });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Starts a process with its output to a log file (never a pipe: the e2e blocks on other commands meanwhile). */
function startProcess(name: string, bin: string, args: string[], logs: string): ChildProcess {
    const out = fs.openSync(path.join(logs, `${name}.log`), "a");
    fs.writeSync(out, `$ ${bin} ${args.join(" ")}\n`);
    const child = spawn(bin, args, { stdio: ["ignore", out, out] });
    fs.closeSync(out);
    if (child.pid === undefined) {
        throw new Error(`${name} did not start (${bin})`);
    }
    return child;
}

function alive(child: ChildProcess): boolean {
    return child.exitCode === null && child.signalCode === null;
}

async function stopProcess(name: string, child: ChildProcess): Promise<string> {
    const pid = child.pid!;
    if (!alive(child)) {
        return `${name} (pid ${pid}) had already exited (${child.exitCode ?? child.signalCode})`;
    }
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    process.kill(pid, "SIGTERM");
    const t0 = Date.now();
    await Promise.race([exited, sleep(10000)]);
    if (alive(child)) {
        process.kill(pid, "SIGKILL");
        await exited;
        return `${name} (pid ${pid}) did not stop on SIGTERM within 10 s: killed`;
    }
    return `${name} (pid ${pid}) stopped on SIGTERM in ${((Date.now() - t0) / 1000).toFixed(1)} s`;
}

export async function startControlPlane(opts: ControlPlaneOptions): Promise<ControlPlane> {
    const { binDir, dir, log } = opts;
    const pki = path.join(dir, "pki");
    const logs = path.join(dir, "logs");
    fs.mkdirSync(logs, { recursive: true });
    for (const b of ["kine", "kube-apiserver", "kube-controller-manager"]) {
        if (!fs.existsSync(path.join(binDir, b))) {
            throw new Error(`${path.join(binDir, b)} is missing: run scripts/install-engine.sh`);
        }
    }
    makePki(pki);
    const [kinePort, apiPort, kcmPort] = [await freePort(), await freePort(), await freePort()];
    const server = `https://127.0.0.1:${apiPort}`;
    const children: Array<[string, ChildProcess]> = [];
    const stop = async (): Promise<string[]> => {
        const done: string[] = [];
        for (const [name, child] of [...children].reverse()) {
            done.push(await stopProcess(name, child));
        }
        return done;
    };
    // A crash of the e2e itself must not leave the processes running.
    const onExit = (): void => {
        for (const [, child] of children) {
            if (alive(child)) {
                try {
                    process.kill(child.pid!, "SIGKILL");
                } catch {
                    // already gone
                }
            }
        }
    };
    process.once("exit", onExit);

    const t0 = Date.now();
    try {
        children.push([
            "kine",
            startProcess(
                "kine",
                path.join(binDir, "kine"),
                [
                    "--endpoint",
                    `sqlite://${path.join(dir, "state.db")}?_journal=WAL&cache=shared&_busy_timeout=30000`,
                    "--listen-address",
                    `127.0.0.1:${kinePort}`,
                    "--metrics-bind-address",
                    "0", // no metrics listener (it would bind every interface)
                ],
                logs,
            ),
        ]);
        const kubeconfigKcm = path.join(dir, "controller-manager.kubeconfig");
        fs.writeFileSync(kubeconfigKcm, kubeconfig(server, pki, "system:kube-controller-manager", "controller-manager"));
        children.push([
            "kube-apiserver",
            startProcess(
                "kube-apiserver",
                path.join(binDir, "kube-apiserver"),
                [
                    `--etcd-servers=http://127.0.0.1:${kinePort}`,
                    "--bind-address=127.0.0.1",
                    "--advertise-address=127.0.0.1",
                    `--secure-port=${apiPort}`,
                    `--tls-cert-file=${pki}/apiserver.crt`,
                    `--tls-private-key-file=${pki}/apiserver.key`,
                    `--client-ca-file=${pki}/ca.crt`,
                    "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
                    `--service-account-key-file=${pki}/sa.pub`,
                    `--service-account-signing-key-file=${pki}/sa.key`,
                    `--service-cluster-ip-range=${SERVICE_CIDR}`,
                    "--authorization-mode=RBAC",
                    // As on kubeadm, kind and managed clusters: privileged containers are allowed by the server and judged
                    // per namespace by Pod Security admission (node agents such as istio-cni and Falco need them).
                    "--allow-privileged=true",
                    // Webhook calls go to the Service's endpoints, not its ClusterIP: there is no kube-proxy on loopback,
                    // and a Service without ready endpoints then fails fast instead of timing out.
                    "--enable-aggregator-routing=true",
                    "--profiling=false",
                    `--cert-dir=${pki}`,
                ],
                logs,
            ),
        ]);
        const kube = new Kube({ server, pki, certName: "admin" });
        const deadline = Date.now() + (opts.readyTimeoutSeconds ?? 180) * 1000;
        let last = "";
        for (;;) {
            for (const [name, child] of children) {
                if (!alive(child)) {
                    throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before the API server was ready; see ${logs}/${name}.log`);
                }
            }
            try {
                const r = await kube.request("GET", "/readyz");
                if (r.status === 200) {
                    break;
                }
                last = `${r.status} ${r.text.slice(0, 300)}`;
            } catch (e) {
                last = e instanceof Error ? e.message : String(e);
            }
            if (Date.now() > deadline) {
                throw new Error(`kube-apiserver not ready after ${opts.readyTimeoutSeconds ?? 180} s: ${last}`);
            }
            await sleep(1000);
        }
        const readySeconds = (Date.now() - t0) / 1000;
        children.push([
            "kube-controller-manager",
            startProcess(
                "kube-controller-manager",
                path.join(binDir, "kube-controller-manager"),
                [
                    `--kubeconfig=${kubeconfigKcm}`,
                    `--authentication-kubeconfig=${kubeconfigKcm}`,
                    `--authorization-kubeconfig=${kubeconfigKcm}`,
                    "--bind-address=127.0.0.1",
                    `--secure-port=${kcmPort}`,
                    "--use-service-account-credentials=true",
                    `--service-account-private-key-file=${pki}/sa.key`,
                    `--root-ca-file=${pki}/ca.crt`,
                    `--service-cluster-ip-range=${SERVICE_CIDR}`,
                    "--leader-elect=false",
                    "--profiling=false",
                ],
                logs,
            ),
        ]);
        const version = JSON.parse((await kube.request("GET", "/version")).text) as { gitVersion: string };
        const kubeconfigPath = path.join(dir, "kubeconfig");
        fs.writeFileSync(kubeconfigPath, kubeconfig(server, pki, ADMIN_USER, "admin"), { mode: 0o600 });
        const pids = Object.fromEntries(children.map(([n, c]) => [n, c.pid!]));
        log(
            `control plane ready in ${readySeconds.toFixed(1)} s on ${server} (kube-apiserver ${version.gitVersion}; pids ${Object.entries(pids)
                .map(([n, p]) => `${n} ${p}`)
                .join(", ")})`,
        );
        return {
            server,
            kubeconfigPath,
            kube,
            pids,
            readySeconds,
            version: version.gitVersion,
            stop: async () => {
                const r = await stop();
                process.removeListener("exit", onExit);
                return r;
            },
        };
    } catch (e) {
        await stop();
        process.removeListener("exit", onExit);
        throw e;
    }
}
