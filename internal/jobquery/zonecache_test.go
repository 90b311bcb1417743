package jobquery

import (
	"net/url"
	"sync"
	"testing"
	"time"
)

// TestZoneCacheSameAnswer checks that Parse answers a zone the same way
// the first time and when it is cached, from many goroutines at once, and
// that a refused zone stays refused.
func TestZoneCacheSameAnswer(t *testing.T) {
	names := []string{"Europe/Paris", "Asia/Shanghai", "America/New_York", "UTC", "Asia/Kolkata"}
	instant := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 20 {
				for _, name := range names {
					want, err := time.LoadLocation(name)
					if err != nil {
						t.Errorf("load %s: %v", name, err)
						return
					}
					q, errs := Parse(url.Values{"tz": {name}}, time.UTC, testNow)
					if errs != nil {
						t.Errorf("tz=%s: %v", name, errs)
						return
					}
					if got := q.Location(); got.String() != name || instant.In(got).Format(time.RFC3339) != instant.In(want).Format(time.RFC3339) {
						t.Errorf("tz=%s: zone %s gives %s, want %s", name, got, instant.In(got).Format(time.RFC3339), instant.In(want).Format(time.RFC3339))
					}
				}
				if _, errs := Parse(url.Values{"tz": {"Mars/Olympus"}}, time.UTC, testNow); errs == nil {
					t.Error("tz=Mars/Olympus accepted")
				}
			}
		})
	}
	wg.Wait()
}

// TestZoneCacheBounded checks that the cache never holds more than
// maxCachedZones names and that zones keep loading once it is full.
func TestZoneCacheBounded(t *testing.T) {
	if zoneCacheSize.Load() > maxCachedZones {
		t.Fatalf("cache holds %d zones, bound %d", zoneCacheSize.Load(), maxCachedZones)
	}
	saved := zoneCacheSize.Load()
	zoneCacheSize.Store(maxCachedZones) // as if full
	defer zoneCacheSize.Store(saved)
	loc, ok := loadZone("Pacific/Auckland")
	if !ok || loc.String() != "Pacific/Auckland" {
		t.Fatalf("full cache: Pacific/Auckland gives %v, %v", loc, ok)
	}
	if _, cached := zoneCache.Load("Pacific/Auckland"); cached {
		t.Fatal("a full cache stored another zone")
	}
	if zoneCacheSize.Load() != maxCachedZones {
		t.Fatalf("size %d after loading into a full cache", zoneCacheSize.Load())
	}
}
