module github.com/tracegraph/tracegraph

go 1.26.0
