// Command pulumi-language-nodejs is this project's stand-in for Pulumi's Node.js language host.
//
// Why it exists: the upstream host (module github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3)
// has no release the Go module proxy reachable here will serve, and the last version that lived inside the SDK
// module (sdk/v3 v3.68.0) cannot run policy packs (its RunPlugin answers "not supported"). See docs/engine.md.
//
// What it does: it speaks the LanguageRuntime gRPC protocol of github.com/pulumi/pulumi/sdk/v3 (the same
// version as the CLI) and starts Node.js with the entry points that the @pulumi/pulumi npm package ships:
// cmd/run for a program and cmd/run-policy-pack for a policy pack. It deliberately does less than upstream:
// no dependency installation (npm ci does that), no required-plugin discovery (the engine loads providers when
// resources ask for them), no debugger, no code generation, no Bun. Every unsupported call answers Unimplemented.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	sdk "github.com/pulumi/pulumi/sdk/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// version is set at build time (-ldflags -X main.version=...) to "<cli version>-agent-platform".
var version = "0.0.0-dev"

// exitCodeUserActionable is what @pulumi/pulumi's cmd/run exits with after it has already shown the user an
// actionable message; the engine should then stop without adding another error.
const exitCodeUserActionable = 32

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	engineAddress string
}

func main() {
	showVersion := flag.Bool("version", false, "print the version and exit")
	_ = flag.String("tracing", "", "accepted for compatibility; tracing is not supported")
	flag.Parse()
	if *showVersion {
		fmt.Println(version)
		return
	}

	h := &host{}
	if flag.NArg() > 0 {
		h.engineAddress = flag.Arg(0)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	cancel := make(chan bool)
	go func() {
		<-ctx.Done()
		close(cancel)
	}()
	if h.engineAddress != "" {
		// Exit when the engine goes away.
		if err := rpcutil.Healthcheck(ctx, h.engineAddress, 5*time.Minute, stop); err != nil {
			fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: health check: %v\n", err)
			os.Exit(1)
		}
	}

	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancel,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, h)
			return nil
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: cannot serve: %v\n", err)
		os.Exit(1)
	}
	// The engine reads the port from the first line of stdout.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: stopped serving: %v\n", err)
		os.Exit(1)
	}
}

func (h *host) Handshake(
	_ context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	if req.GetEngineAddress() != "" {
		h.engineAddress = req.GetEngineAddress()
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

// GetRequiredPlugins and GetRequiredPackages answer "none": the engine then loads each provider plugin when a
// resource first asks for it, from the plugins installed by scripts/install-engine.sh.
func (h *host) GetRequiredPlugins(
	context.Context, *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

func (h *host) GetRequiredPackages(
	context.Context, *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

func (h *host) GetProgramDependencies(
	context.Context, *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	return &pulumirpc.GetProgramDependenciesResponse{}, nil
}

func (h *host) About(context.Context, *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	out, err := exec.Command("node", "--version").Output()
	if err != nil {
		return nil, fmt.Errorf("node --version: %w", err)
	}
	return &pulumirpc.AboutResponse{Executable: "node", Version: strings.TrimSpace(string(out))}, nil
}

// InstallDependencies does nothing but say so: dependencies come from `npm ci` in this project.
func (h *host) InstallDependencies(
	_ *pulumirpc.InstallDependenciesRequest, server pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	return server.Send(&pulumirpc.InstallDependenciesResponse{
		Stdout: []byte("pulumi-language-nodejs (agent-platform stand-in): dependencies are installed by npm ci\n"),
	})
}

// runtimeOptions are the Pulumi.yaml / PulumiPolicy.yaml `runtime.options` this host honours.
type runtimeOptions struct {
	typescript bool
	tsconfig   string
	nodeargs   []string
}

func parseRuntimeOptions(info *pulumirpc.ProgramInfo) (runtimeOptions, error) {
	opts := runtimeOptions{typescript: true}
	if info == nil || info.GetOptions() == nil {
		return opts, nil
	}
	for key, value := range info.GetOptions().AsMap() {
		switch key {
		case "typescript":
			b, ok := value.(bool)
			if !ok {
				return opts, fmt.Errorf("runtime option typescript must be a boolean, got %v", value)
			}
			opts.typescript = b
		case "tsconfig":
			s, ok := value.(string)
			if !ok {
				return opts, fmt.Errorf("runtime option tsconfig must be a string, got %v", value)
			}
			opts.tsconfig = s
		case "nodeargs":
			s, ok := value.(string)
			if !ok {
				return opts, fmt.Errorf("runtime option nodeargs must be a string, got %v", value)
			}
			opts.nodeargs = strings.Fields(s)
		default:
			// Like upstream, other options (packagemanager, production, ...) are accepted; they only matter
			// for what this host leaves to npm (dependency installation) or does not do (bun, tsc builds).
		}
	}
	return opts, nil
}

func (o runtimeOptions) env() []string {
	var env []string
	if o.typescript {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if o.tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+o.tsconfig)
	}
	return env
}

// resolveModule asks Node.js where a module of the @pulumi/pulumi package is, starting from dir, so that the
// program's (or policy pack's) own copy of the SDK is used.
func resolveModule(dir, module string) (string, error) {
	script := fmt.Sprintf("process.stdout.write(require.resolve(%q, {paths: [%q]}))", module, dir)
	cmd := exec.Command("node", "-e", script)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("cannot find %s from %s (is @pulumi/pulumi installed? run npm ci): %w", module, dir, err)
	}
	return string(out), nil
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	if info == nil {
		return &pulumirpc.RunResponse{Error: "the engine sent no program information"}, nil
	}
	opts, err := parseRuntimeOptions(info)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	runPath, err := resolveModule(info.GetProgramDirectory(), "@pulumi/pulumi/cmd/run")
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}

	args := append([]string{}, opts.nodeargs...)
	args = append(args, runPath)
	flagIfSet := func(name, value string) {
		if value != "" {
			args = append(args, "--"+name, value)
		}
	}
	flagIfSet("monitor", req.GetMonitorAddress())
	flagIfSet("engine", h.engineAddress)
	flagIfSet("organization", req.GetOrganization())
	flagIfSet("project", req.GetProject())
	flagIfSet("root-directory", info.GetRootDirectory())
	flagIfSet("stack", req.GetStack())
	flagIfSet("pwd", info.GetProgramDirectory())
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	if req.GetParallel() > 0 {
		flagIfSet("parallel", strconv.Itoa(int(req.GetParallel())))
	}
	entry := info.GetEntryPoint()
	if entry == "" {
		entry = "."
	}
	args = append(args, entry)
	args = append(args, req.GetArgs()...)

	// The Node.js SDK still reads configuration keys in the "<namespace>:config:<name>" form.
	cfg := map[string]string{}
	for key, value := range req.GetConfig() {
		k, err := config.ParseKey(key)
		if err != nil {
			return &pulumirpc.RunResponse{Error: err.Error()}, nil
		}
		cfg[k.Namespace()+":config:"+k.Name()] = value
	}
	cfgJSON, err := json.Marshal(cfg)
	if err != nil {
		return nil, err
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretJSON, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, err
	}

	cmd := exec.CommandContext(ctx, "node", args...)
	cmd.Dir = info.GetProgramDirectory()
	cmd.Env = append(os.Environ(), "PULUMI_CONFIG="+string(cfgJSON), "PULUMI_CONFIG_SECRET_KEYS="+string(secretJSON))
	cmd.Env = append(cmd.Env, opts.env()...)
	// Node.js may switch its stdio to non-blocking mode; wrapping the writers keeps os.Stdout/os.Stderr ours.
	cmd.Stdout = struct{ *os.File }{os.Stdout}
	cmd.Stderr = struct{ *os.File }{os.Stderr}
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 5 * time.Second

	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			if exitErr.ExitCode() == exitCodeUserActionable {
				return &pulumirpc.RunResponse{Bail: true}, nil
			}
			return &pulumirpc.RunResponse{
				Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exitErr.ExitCode()),
			}, nil
		}
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("could not run node: %v", err)}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

// RunPlugin starts a Node.js policy pack (kind "analyzer"). The engine talks to the pack through the SDK's
// PolicyProxy, which first receives the stack configuration so that the pack starts with it in its environment.
func (h *host) RunPlugin(req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer) error {
	if req.GetKind() != string(apitype.AnalyzerPlugin) {
		return fmt.Errorf("this stand-in language host runs policy packs only, not %q plugins", req.GetKind())
	}
	ctx := server.Context()
	info := req.GetInfo()
	if info == nil {
		return errors.New("the engine sent no policy pack information")
	}
	packDir := info.GetProgramDirectory()
	opts, err := parseRuntimeOptions(info)
	if err != nil {
		return err
	}
	runPath, err := resolveModule(packDir, "@pulumi/pulumi/cmd/run-policy-pack")
	if err != nil {
		return err
	}

	closer, stdout, stderr, err := rpcutil.MakeRunPluginStreams(server, false)
	if err != nil {
		return err
	}
	defer closer.Close()

	proxy, proxyStdout, err := sdk.NewPolicyProxy(ctx, stdout)
	if err != nil {
		return fmt.Errorf("cannot start the policy pack proxy: %w", err)
	}
	stack, err := proxy.AwaitConfiguration(ctx)
	if err != nil {
		return fmt.Errorf("no stack configuration for the policy pack: %w", err)
	}

	env := append(os.Environ(), req.GetEnv()...)
	env = append(env, opts.env()...)
	if stack != nil {
		add := func(k, v string) {
			if v != "" {
				env = append(env, k+"="+v)
			}
		}
		add("PULUMI_NODEJS_ORGANIZATION", stack.GetOrganization())
		add("PULUMI_NODEJS_PROJECT", stack.GetProject())
		add("PULUMI_NODEJS_STACK", stack.GetStack())
		add("PULUMI_NODEJS_DRY_RUN", strconv.FormatBool(stack.GetDryRun()))
		if stack.GetConfig() != nil {
			cfgJSON, err := json.Marshal(stack.GetConfig())
			if err != nil {
				return err
			}
			add("PULUMI_CONFIG", string(cfgJSON))
		}
	}

	args := append([]string{runPath}, opts.nodeargs...)
	args = append(args, req.GetArgs()...)
	args = append(args, packDir)
	cmd := exec.CommandContext(ctx, "node", args...)
	cmd.Dir = packDir
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = proxyStdout, stderr
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("cannot start node for the policy pack in %s: %w", filepath.Clean(packDir), err)
	}
	if err := proxy.Attach(ctx, cmd); err != nil {
		return fmt.Errorf("cannot attach to the policy pack: %w", err)
	}
	return closer.Close()
}
