// Command go-xds-client is a proxyless grpc-go xDS client for Prescient's interop tests. It
// bootstraps from flags (no file), sends raw-bytes unary RPCs to /prescient.test.Echo/Hello on
// an xds:/// target, and prints JSON: one line with counts per backend id and per status code,
// or with -seconds, one line per second of continuous calling.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/mem"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/xds"
)

const echoMethod = "/prescient.test.Echo/Hello"

// rawCodec passes []byte through unchanged, so no .proto is needed for the echo service.
type rawCodec struct{}

func (rawCodec) Name() string { return "raw" }

func (rawCodec) Marshal(v any) (mem.BufferSlice, error) {
	b, ok := v.(*[]byte)
	if !ok {
		return nil, fmt.Errorf("raw codec: cannot marshal %T", v)
	}
	return mem.BufferSlice{mem.SliceBuffer(*b)}, nil
}

func (rawCodec) Unmarshal(data mem.BufferSlice, v any) error {
	b, ok := v.(*[]byte)
	if !ok {
		return fmt.Errorf("raw codec: cannot unmarshal into %T", v)
	}
	*b = data.Materialize()
	return nil
}

type options struct {
	bootstrap   string
	xdsServer   string
	nodeID      string
	nodeCluster string
	zone        string
	target      string
	rpcs        int
	concurrency int
	seconds     int
	deadline    time.Duration
}

func parseFlags() options {
	var o options
	flag.StringVar(&o.bootstrap, "bootstrap", "", "gRPC xDS bootstrap file (e.g. a shipped one) instead of -xds-server and -node-*")
	flag.StringVar(&o.xdsServer, "xds-server", "", "xDS management server host:port (required without -bootstrap)")
	flag.StringVar(&o.nodeID, "node-id", fmt.Sprintf("go-xds-client-%d", os.Getpid()), "xDS node id")
	flag.StringVar(&o.nodeCluster, "node-cluster", "interop", "xDS node cluster")
	flag.StringVar(&o.zone, "zone", "test", "xDS node locality zone")
	flag.StringVar(&o.target, "target", "", "xds:///name target (required)")
	flag.IntVar(&o.rpcs, "rpcs", 1000, "number of RPCs to send (ignored with -seconds)")
	flag.IntVar(&o.concurrency, "concurrency", 20, "RPCs in flight at once")
	flag.IntVar(&o.seconds, "seconds", 0, "if > 0, call continuously for this many seconds and print one JSON line per second")
	flag.DurationVar(&o.deadline, "deadline", 5*time.Second, "per-RPC deadline")
	flag.Parse()
	if (o.xdsServer == "" && o.bootstrap == "") || o.target == "" || o.concurrency < 1 {
		fmt.Fprintln(os.Stderr, "GO_XDS_CLIENT_USAGE: -xds-server (or -bootstrap) and -target are required, -concurrency must be >= 1")
		flag.Usage()
		os.Exit(2)
	}
	return o
}

// bootstrapJSON is the -bootstrap file as it is, or else the grpc-go bootstrap (gRFC A27) for
// one insecure xDS v3 server.
func bootstrapJSON(o options) ([]byte, error) {
	if o.bootstrap != "" {
		return os.ReadFile(o.bootstrap)
	}
	b, err := json.Marshal(map[string]any{
		"xds_servers": []any{map[string]any{
			"server_uri":      o.xdsServer,
			"channel_creds":   []any{map[string]string{"type": "insecure"}},
			"server_features": []string{"xds_v3"},
		}},
		"node": map[string]any{
			"id":       o.nodeID,
			"cluster":  o.nodeCluster,
			"locality": map[string]string{"zone": o.zone},
		},
	})
	return b, err
}

// tally counts answers per backend id and failures per status code name; it keeps the first
// message of each code so a rejected configuration shows why.
type tally struct {
	mu       sync.Mutex
	Backends map[string]int    `json:"backends"`
	Errors   map[string]int    `json:"errors"`
	Messages map[string]string `json:"errorMessages"`
}

func newTally() *tally {
	return &tally{Backends: map[string]int{}, Errors: map[string]int{}, Messages: map[string]string{}}
}

func (t *tally) add(reply []byte, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err == nil {
		t.Backends[string(reply)]++
		return
	}
	s := status.Convert(err)
	code := s.Code().String()
	t.Errors[code]++
	if _, seen := t.Messages[code]; !seen {
		t.Messages[code] = s.Message()
	}
}

// swap returns the counts so far and starts a fresh tally (for per-second lines).
func (t *tally) swap() *tally {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := &tally{Backends: t.Backends, Errors: t.Errors, Messages: t.Messages}
	t.Backends, t.Errors, t.Messages = map[string]int{}, map[string]int{}, map[string]string{}
	return out
}

func call(ctx context.Context, conn *grpc.ClientConn, deadline time.Duration) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, deadline)
	defer cancel()
	req, reply := []byte("hi"), []byte(nil)
	err := conn.Invoke(ctx, echoMethod, &req, &reply)
	return reply, err
}

// run keeps `concurrency` workers calling until `more` says stop.
func run(ctx context.Context, conn *grpc.ClientConn, o options, t *tally, more func() bool) {
	var wg sync.WaitGroup
	for range o.concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for more() && ctx.Err() == nil {
				t.add(call(ctx, conn, o.deadline))
			}
		}()
	}
	wg.Wait()
}

func printLine(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		fmt.Fprintln(os.Stderr, "GO_XDS_CLIENT_OUTPUT:", err)
		os.Exit(1)
	}
	fmt.Println(string(b))
}

func main() {
	o := parseFlags()
	bootstrap, err := bootstrapJSON(o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "GO_XDS_CLIENT_BOOTSTRAP:", err)
		os.Exit(1)
	}
	// grpc-go reads GRPC_XDS_BOOTSTRAP_CONFIG once, at package init, so setting it here would be
	// too late; this resolver takes the same bootstrap JSON and builds its own xDS client with
	// the same resource validation.
	xdsResolver, err := xds.NewXDSResolverWithConfigForTesting(bootstrap)
	if err != nil {
		fmt.Fprintln(os.Stderr, "GO_XDS_CLIENT_BOOTSTRAP:", err)
		os.Exit(1)
	}
	conn, err := grpc.NewClient(o.target,
		grpc.WithResolvers(xdsResolver),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.ForceCodecV2(rawCodec{})))
	if err != nil {
		fmt.Fprintln(os.Stderr, "GO_XDS_CLIENT_DIAL:", err)
		os.Exit(1)
	}
	defer conn.Close()
	ctx := context.Background()
	t := newTally()

	if o.seconds <= 0 {
		var issued atomic.Int64
		run(ctx, conn, o, t, func() bool { return issued.Add(1) <= int64(o.rpcs) })
		printLine(t)
		return
	}

	ctx, cancel := context.WithTimeout(ctx, time.Duration(o.seconds)*time.Second)
	defer cancel()
	done := make(chan struct{})
	go func() {
		run(ctx, conn, o, t, func() bool { return true })
		close(done)
	}()
	ticker := time.NewTicker(time.Second)
	defer ticker.Stop()
	for second := 1; ; second++ {
		select {
		case <-ticker.C:
			printLine(struct {
				Second int `json:"second"`
				*tally
			}{second, t.swap()})
		case <-done:
			return
		}
	}
}
