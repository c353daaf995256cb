// deploy-lint checks the deployment files that kubeconform cannot:
//
//	deploy-lint compose <docker-compose.yml> <out.json>
//	    loads the file with compose-go (the library `docker compose` itself uses):
//	    validates it against the compose-spec JSON schema embedded in compose-go,
//	    then the semantic checks (depends_on targets exist, ports parse, ...),
//	    and writes the normalised project as JSON for the tests to read.
//	deploy-lint yaml2json <in.yaml> <out.json>
//	    every YAML document of the file as one JSON array (rendered manifests, CRDs).
//	deploy-lint dockerfile <Dockerfile>
//	    parses it with BuildKit's own Dockerfile parser and runs BuildKit's lint
//	    rules (the ones `docker build --check` reports); any warning fails.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"go.yaml.in/yaml/v4"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: deploy-lint compose <file> <out.json> | dockerfile <file>")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "compose":
		if len(os.Args) != 4 {
			err = fmt.Errorf("usage: deploy-lint compose <file> <out.json>")
			break
		}
		err = checkCompose(os.Args[2], os.Args[3])
	case "yaml2json":
		if len(os.Args) != 4 {
			err = fmt.Errorf("usage: deploy-lint yaml2json <in.yaml> <out.json>")
			break
		}
		err = yamlToJSON(os.Args[2], os.Args[3])
	case "dockerfile":
		err = checkDockerfile(os.Args[2])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "deploy-lint %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}

func checkCompose(file, out string) error {
	ctx := context.Background()
	// The load `docker compose config` does: interpolation (from .env only, not
	// from the caller's environment, so the file's own defaults must make it
	// valid), validation against the compose-spec JSON schema that compose-go
	// embeds (schema/compose-spec.json), normalisation and semantic checks.
	options, err := cli.NewProjectOptions([]string{file},
		cli.WithName("dtx"),
		cli.WithWorkingDirectory(filepath.Dir(file)),
		cli.WithDotEnv,
		// Every profile (`tools`: Kafka UI), so that no service goes unchecked.
		cli.WithProfiles([]string{"*"}),
		cli.WithConsistency(true),
		cli.WithResolvedPaths(false),
	)
	if err != nil {
		return err
	}
	project, err := options.LoadProject(ctx)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	if err := project.CheckContainerNameUnicity(); err != nil {
		return err
	}
	data, err := project.MarshalJSON()
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, data, 0o644); err != nil {
		return err
	}
	fmt.Printf("compose: %s is valid (%d services)\n", file, len(project.Services))
	return nil
}

func checkDockerfile(file string) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	result, err := parser.Parse(f)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	var warnings []string
	for _, w := range result.Warnings {
		line := 0
		if w.Location != nil {
			line = w.Location.Start.Line
		}
		warnings = append(warnings, fmt.Sprintf("line %d: %s", line, w.Short))
	}
	lint := linter.New(&linter.Config{
		Warn: func(rule, description, url, message string, location []parser.Range) {
			line := 0
			if len(location) > 0 {
				line = location[0].Start.Line
			}
			warnings = append(warnings, fmt.Sprintf("line %d: %s: %s", line, rule, message))
		},
	})
	stages, _, err := instructions.Parse(result.AST, lint)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	if len(warnings) > 0 {
		return fmt.Errorf("%s:\n  %s", file, strings.Join(warnings, "\n  "))
	}
	names := make([]string, 0, len(stages))
	for _, stage := range stages {
		names = append(names, stage.Name)
	}
	fmt.Printf("dockerfile: %s parses and passes BuildKit's lint rules (stages: %s)\n", file, strings.Join(names, ", "))
	return nil
}

func yamlToJSON(in, out string) error {
	data, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	decoder := yaml.NewDecoder(bytes.NewReader(data))
	documents := []any{}
	for {
		var document any
		if err := decoder.Decode(&document); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return fmt.Errorf("%s: %w", in, err)
		}
		if document != nil {
			documents = append(documents, document)
		}
	}
	encoded, err := json.Marshal(documents)
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	return os.WriteFile(out, encoded, 0o644)
}
