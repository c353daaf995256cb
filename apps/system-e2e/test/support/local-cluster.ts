import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { repositoryRoot } from '@dtx/testing';

/**
 * The local Kubernetes cluster of scripts/k8s (npm run k8s:up) as a test drives
 * it: its scripts, kubectl with the cluster's admin credentials, port-forwards
 * on 127.0.0.1, and a picture of what the host holds that a cluster could leave
 * behind.
 */
const run = promisify(execFile);
const ROOT = repositoryRoot();
const STATE = join(ROOT, '.local/k8s');
export const NAMESPACE = 'dtx-dev';

const environment: NodeJS.ProcessEnv = {
  ...process.env,
  KUBECONFIG: join(STATE, 'admin.kubeconfig'),
  PATH: [join(STATE, 'bin'), join(STATE, 'root/usr/bin'), join(STATE, 'root/usr/sbin'), process.env['PATH']].join(':'),
};

/** Runs scripts/k8s/<name> with its arguments; rejects with its output when it fails. */
export async function k8sScript(name: string, ...args: string[]): Promise<string> {
  try {
    const { stdout } = await run('bash', [join(ROOT, 'scripts/k8s', name), ...args], {
      cwd: ROOT,
      env: environment,
      maxBuffer: 64 * 2 ** 20,
    });
    return stdout;
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    throw new Error(
      `scripts/k8s/${name} ${args.join(' ')} exited ${failed.code}:\n${failed.stdout}\n${failed.stderr}`,
      {
        cause: error,
      },
    );
  }
}

/** kubectl in the deployment's namespace; its standard output. */
export async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await run('kubectl', ['-n', NAMESPACE, ...args], { env: environment, maxBuffer: 64 * 2 ** 20 });
  return stdout;
}

/** The pods of one app (app.kubernetes.io/name) that are running and ready. */
export async function readyPodsOf(app: string): Promise<string[]> {
  const pods = JSON.parse(await kubectl('get', 'pods', '-l', `app.kubernetes.io/name=${app}`, '-o', 'json')) as {
    items: {
      metadata: { name: string; deletionTimestamp?: string };
      status: { conditions?: { type: string; status: string }[] };
    }[];
  };
  return pods.items
    .filter((pod) => !pod.metadata.deletionTimestamp)
    .filter((pod) =>
      pod.status.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True'),
    )
    .map((pod) => pod.metadata.name)
    .sort();
}

export interface PortForward {
  url: string;
  stop(): Promise<void>;
}

/** `kubectl port-forward` of a Service's port to a free port on 127.0.0.1, until stopped. */
export async function portForward(service: string, port: number): Promise<PortForward> {
  const child = spawn(
    'kubectl',
    ['-n', NAMESPACE, 'port-forward', '--address', '127.0.0.1', `svc/${service}`, `:${port}`],
    { env: environment, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const stopped = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await stopped;
  };
  try {
    const localPort = await forwardedPort(child);
    return { url: `http://127.0.0.1:${localPort}`, stop };
  } catch (error) {
    await stop();
    throw new Error(`port-forward to svc/${service}:${port}: ${(error as Error).message}`, { cause: error });
  }
}

/** The local port from kubectl's "Forwarding from 127.0.0.1:<port> -> <port>". */
function forwardedPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let errors = '';
    child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    const timer = setTimeout(() => reject(new Error(`no forwarding after 30 s; ${errors}`)), 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`kubectl exited ${code}: ${errors}`));
    });
    if (!child.stdout) throw new Error('kubectl port-forward without a standard output');
    createInterface({ input: child.stdout }).on('line', (line) => {
      const match = /^Forwarding from 127\.0\.0\.1:(\d+)/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
  });
}

const CHANGED_SYSCTLS = [
  'net/ipv4/ip_forward',
  'net/bridge/bridge-nf-call-iptables',
  'net/ipv4/conf/all/route_localnet',
];

const BUILT_IN_CHAIN = /^:(INPUT|OUTPUT|FORWARD|PREROUTING|POSTROUTING) /;

/**
 * What the host holds that a cluster makes: processes run from the cluster's
 * folders and containerd's shims, network interfaces, iptables chains and the
 * rules that name Kubernetes' or the pod network's chains, mounts under the
 * cluster's folders and network namespaces, and the kernel settings the
 * cluster changes. One sorted line each, to compare before and after.
 */
export async function hostState(): Promise<string[]> {
  const lines = new Set<string>();
  const { stdout: processes } = await run('ps', ['-eo', 'args=']);
  for (const command of processes.split('\n').map((line) => line.trim().split(/\s+/)[0] ?? '')) {
    if (command.startsWith(STATE) || /containerd-shim|kube-|etcd|containerd$/.test(command)) {
      lines.add(`process ${command}`);
    }
  }
  const { stdout: links } = await run('ip', ['-o', 'link', 'show'], { env: environment });
  for (const match of links.matchAll(/^\d+: ([^:@]+)[:@]/gm)) lines.add(`link ${match[1]}`);
  for (const tool of ['iptables-save', 'ip6tables-save']) {
    const { stdout: rules } = await run(tool, [], { env: environment }).catch(() => ({ stdout: '' }));
    let table = '';
    for (const line of rules.split('\n')) {
      if (line.startsWith('*')) table = line.slice(1);
      // A table's built-in chains appear once anything loads the table (the kubelet's canary does) and
      // cannot be removed; they hold none of the run's rules, which are counted one by one.
      else if (line.startsWith(':') && !BUILT_IN_CHAIN.test(line))
        lines.add(`chain ${tool} ${table} ${line.slice(1).split(' ')[0]}`);
      else if (line.startsWith('-A') && /KUBE-|CNI-|dtx/.test(line)) lines.add(`rule ${tool} ${table} ${line}`);
    }
  }
  for (const line of (await readFile('/proc/self/mountinfo', 'utf8')).split('\n')) {
    const mountPoint = line.split(' ')[4] ?? '';
    if (mountPoint.startsWith(STATE) || mountPoint.startsWith('/run/netns/')) lines.add(`mount ${mountPoint}`);
  }
  for (const setting of CHANGED_SYSCTLS) {
    const value = await readFile(`/proc/sys/${setting}`, 'utf8').catch(() => 'absent');
    lines.add(`sysctl ${setting}=${value.trim()}`);
  }
  // The container engine's own bridge and chains come and go with its containers, not the cluster's.
  return [...lines].filter((line) => !/ podman|NETAVARK/.test(line)).sort();
}
