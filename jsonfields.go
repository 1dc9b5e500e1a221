package tracegraph

import (
	"bytes"
	"reflect"
	"strings"
)

// fieldTable holds the JSON field names of the envelope, every payload type
// and the structs inside them, with each field's type: what checkJSONTextOf
// compares an object's keys with. Built once from eventPayloads, never
// changed.
var fieldTable = buildFieldTable()

func buildFieldTable() map[reflect.Type]map[string]reflect.Type {
	m := map[reflect.Type]map[string]reflect.Type{}
	var add func(t reflect.Type)
	add = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || m[t] != nil {
			return
		}
		fs := jsonFields(t, nil)
		m[t] = fs
		for _, ft := range fs {
			add(ft)
		}
	}
	add(reflect.TypeFor[envelope]())
	for _, mk := range eventPayloads {
		add(reflect.TypeOf(mk()))
	}
	return m
}

// structFields returns the JSON field names of struct type t and their
// types.
func structFields(t reflect.Type) map[string]reflect.Type {
	if fs, ok := fieldTable[t]; ok {
		return fs
	}
	return jsonFields(t, nil)
}

// jsonFields adds the JSON names of t's fields (those of embedded structs
// included) and their types to m, as encoding/json names them.
func jsonFields(t reflect.Type, m map[string]reflect.Type) map[string]reflect.Type {
	if m == nil {
		m = make(map[string]reflect.Type, t.NumField())
	}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct:
			jsonFields(f.Type, m)
		case !f.IsExported() || name == "-":
		case name == "":
			m[f.Name] = f.Type
		default:
			m[name] = f.Type
		}
	}
	return m
}

// foldedName returns the field of fields that k names in another case, ""
// when none does.
func foldedName(fields map[string]reflect.Type, k []byte) string {
	for name := range fields {
		if bytes.EqualFold([]byte(name), k) {
			return name
		}
	}
	return ""
}
