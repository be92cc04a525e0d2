package loadgen

import (
	"context"
	"net/http"
	"testing"
	"time"
)

func TestRunMeasuresTheYardstick(t *testing.T) {
	url, stop, err := Yardstick()
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	res := Run(context.Background(), NewClient(4), 4, 50*time.Millisecond, 300*time.Millisecond, Target{
		Name: "yardstick",
		Make: func(int64) (*http.Request, error) { return http.NewRequest("GET", url+"/x", nil) },
	})
	if res.Requests == 0 || res.RPS <= 0 {
		t.Fatalf("no requests measured: %+v", res)
	}
	if res.Status5xx != 0 || res.Errors != 0 || res.Status4xx != 0 {
		t.Fatalf("yardstick answered errors: %+v", res)
	}
	if res.P50 <= 0 || res.P99 < res.P50 || res.Max < res.P99 {
		t.Fatalf("percentiles out of order: %+v", res)
	}
}
