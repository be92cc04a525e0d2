// Package loadgen measures HTTP throughput and latency on loopback, and the
// yardstick to compare against: a bare net/http handler returning a constant
// JSON body. On a shared 2-core machine absolute numbers swing with
// whatever else runs; the ratio to the yardstick measured in the same run
// is the figure that travels.
package loadgen

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Target is one kind of request; Make builds the i-th request.
type Target struct {
	Name string
	Make func(i int64) (*http.Request, error)
}

// Result is what one run of a target measured.
type Result struct {
	Name      string
	Requests  int64
	Errors    int64 // transport errors
	Status4xx int64
	Status5xx int64
	Status429 int64
	Duration  time.Duration
	RPS       float64
	P50, P99  time.Duration
	Max       time.Duration
}

func (r Result) String() string {
	return fmt.Sprintf("%-22s %8.0f req/s  p50 %7s  p99 %7s  max %7s  n=%d 4xx=%d (429=%d) 5xx=%d err=%d",
		r.Name, r.RPS, r.P50.Round(10*time.Microsecond), r.P99.Round(10*time.Microsecond), r.Max.Round(10*time.Microsecond),
		r.Requests, r.Status4xx, r.Status429, r.Status5xx, r.Errors)
}

// NewClient returns a client that keeps up to conns connections alive.
func NewClient(conns int) *http.Client {
	tr := &http.Transport{
		MaxIdleConns:        conns * 2,
		MaxIdleConnsPerHost: conns * 2,
		MaxConnsPerHost:     conns,
		IdleConnTimeout:     time.Minute,
		DisableCompression:  true,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
	}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// Run drives target with conns concurrent workers for dur (after a short
// warm-up that is not counted). The loop is bounded by time and stops by itself.
func Run(ctx context.Context, client *http.Client, conns int, warmup, dur time.Duration, t Target) Result {
	var counter atomic.Int64
	var measuring atomic.Bool
	var mu sync.Mutex
	lat := make([]time.Duration, 0, 1<<16)
	var res Result
	res.Name = t.Name
	var errs, s4, s5, s429 atomic.Int64

	ctx, cancel := context.WithTimeout(ctx, warmup+dur)
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < conns; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			local := make([]time.Duration, 0, 4096)
			for ctx.Err() == nil {
				i := counter.Add(1)
				req, err := t.Make(i)
				if err != nil {
					errs.Add(1)
					continue
				}
				req = req.WithContext(ctx)
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					if ctx.Err() == nil && measuring.Load() {
						errs.Add(1)
					}
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				d := time.Since(t0)
				if !measuring.Load() {
					continue
				}
				local = append(local, d)
				switch {
				case resp.StatusCode == 429:
					s429.Add(1)
					s4.Add(1)
				case resp.StatusCode >= 500:
					s5.Add(1)
				case resp.StatusCode >= 400:
					s4.Add(1)
				}
			}
			mu.Lock()
			lat = append(lat, local...)
			mu.Unlock()
		}()
	}
	time.Sleep(warmup)
	measuring.Store(true)
	mstart := time.Now()
	wg.Wait()
	_ = start
	res.Duration = time.Since(mstart)
	slices.Sort(lat)
	res.Requests = int64(len(lat))
	res.Errors, res.Status4xx, res.Status5xx, res.Status429 = errs.Load(), s4.Load(), s5.Load(), s429.Load()
	if res.Duration > 0 {
		res.RPS = float64(res.Requests) / res.Duration.Seconds()
	}
	if n := len(lat); n > 0 {
		res.P50 = lat[n*50/100]
		res.P99 = lat[min(n-1, n*99/100)]
		res.Max = lat[n-1]
	}
	return res
}

// Yardstick serves a constant JSON body on a loopback port, the way the
// simplest possible Go service would. It returns its base URL and a stop func.
func Yardstick() (string, func(), error) {
	body := []byte(`{"items":[{"subject_name":"北京示例科技有限公司","domain":"example.com","website_number":"京ICP备2026000001号-1"}]}` + "\n")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Write(body)
	}), ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), func() { srv.Close() }, nil
}
