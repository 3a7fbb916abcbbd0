package tokenize

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"

	"github.com/ikawaha/kagome-dict/uni"

	"github.com/jacorpus/jacorpus/tokenize/morph"
)

// uniModule is the module of UniDic; its version names the cache file.
const uniModule = "github.com/ikawaha/kagome-dict/uni"

// uniDict returns UniDic in morph's form: from the cache file when it is
// there and valid, else converted from kagome's UniDic (about 5 s) and
// saved to the cache for the next process. A cache that cannot be written
// (no home directory, a read-only file system) only costs the conversion.
func uniDict() (*morph.Dict, error) {
	path := uniCachePath()
	if path != "" {
		if b, err := os.ReadFile(path); err == nil {
			if d, err := morph.Load(b); err == nil {
				return d, nil
			}
		}
	}
	d, err := morph.FromKagome(uni.Dict())
	if err != nil {
		return nil, fmt.Errorf("tokenize: UniDic: %w", err)
	}
	if path != "" {
		saveCache(path, d)
	}
	return d, nil
}

// uniCachePath is USER_CACHE_DIR/jacorpus/unidic-VERSION.morph, "" when
// there is no cache directory.
func uniCachePath() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	version := "unknown"
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, m := range bi.Deps {
			if m.Path == uniModule {
				version = m.Version
			}
		}
	}
	return filepath.Join(dir, "jacorpus", "unidic-"+version+".morph")
}

// saveCache writes d to path through a temporary file renamed into place,
// so that concurrent processes (an array job's tasks) never read half a
// file; errors are ignored (the cache is an optimisation).
func saveCache(path string, d *morph.Dict) {
	b, err := d.MarshalBinary()
	if err != nil {
		return
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return
	}
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
	}
}
