package jsontext

import (
	"encoding/json"
	"testing"
)

// stringsToWrite are strings that take every branch of AppendString: plain
// text, each escaped ASCII byte, HTML characters, invalid UTF-8, U+2028
// and U+2029, and multi-byte runes left as they are.
var stringsToWrite = []string{
	"", "SMT0000001", `a"b\c`, "tab\there\nline\rret", "\b\f\x00\x01\x1f\x7f",
	"<script>&amp;</script>", "\xff\xfe", "ok\xc3", "line\u2028para\u2029end",
	"Größe €", "日本語", "mixed é<\xff\u2028>",
}

// TestAppendStringAsEncoded: AppendString writes what json.Marshal writes
// for every string, after what the buffer held.
func TestAppendStringAsEncoded(t *testing.T) {
	for _, s := range stringsToWrite {
		checkAsEncoded(t, s)
	}
}

// FuzzAppendStringAsEncoded holds AppendString to json.Marshal for any
// string.
func FuzzAppendStringAsEncoded(f *testing.F) {
	for _, s := range stringsToWrite {
		f.Add(s)
	}
	f.Fuzz(checkAsEncoded)
}

func checkAsEncoded(t *testing.T, s string) {
	want, err := json.Marshal(s)
	if err != nil {
		t.Fatalf("json.Marshal(%q): %v", s, err)
	}
	got := AppendString([]byte("x"), s)
	if string(got) != "x"+string(want) {
		t.Errorf("AppendString(%q) = %s, want %s", s, got[1:], want)
	}
}
