package taskenv

import (
	"strings"
	"testing"
)

func TestFromEnv(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want Task
		ok   bool
		err  string
	}{
		{"none", nil, Task{}, false, ""},
		{"slurm", map[string]string{"SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_MAX": "3", "SLURM_ARRAY_TASK_COUNT": "4"}, Task{3, 4, "SLURM_ARRAY_TASK_ID", true}, true, ""},
		{"slurm from 1", map[string]string{"SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_MAX": "4"}, Task{0, 4, "SLURM_ARRAY_TASK_ID", true}, true, ""},
		{"slurm sparse", map[string]string{"SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_MAX": "5", "SLURM_ARRAY_TASK_COUNT": "3"}, Task{}, false, "not one range"},
		{"pbs", map[string]string{"PBS_ARRAY_INDEX": "2", CountVar: "8"}, Task{2, 8, "PBS_ARRAY_INDEX", true}, true, ""},
		{"pjm without count", map[string]string{"PJM_BULKNUM": "5"}, Task{5, 0, "PJM_BULKNUM", false}, true, ""},
		{"openmpi", map[string]string{"OMPI_COMM_WORLD_RANK": "1", "OMPI_COMM_WORLD_SIZE": "2", "PMI_RANK": "1", "PMI_SIZE": "2"}, Task{1, 2, "OMPI_COMM_WORLD_RANK", true}, true, ""},
		{"openmpi with pmix", map[string]string{"OMPI_COMM_WORLD_RANK": "1", "OMPI_COMM_WORLD_SIZE": "2", "PMIX_RANK": "1"}, Task{1, 2, "OMPI_COMM_WORLD_RANK", true}, true, ""},
		{"pmix alone", map[string]string{"PMIX_RANK": "3", "JACORPUS_TASK_COUNT": "4"}, Task{3, 4, "PMIX_RANK", true}, true, ""},
		{"pmix without count", map[string]string{"PMIX_RANK": "3"}, Task{3, 0, "PMIX_RANK", false}, true, ""},
		{"pmi", map[string]string{"PMI_RANK": "0", "PMI_SIZE": "4"}, Task{0, 4, "PMI_RANK", true}, true, ""},
		{"two sources", map[string]string{"PBS_ARRAY_INDEX": "1", "PMI_RANK": "0", "PMI_SIZE": "4"}, Task{}, false, "both PBS_ARRAY_INDEX and PMI_RANK"},
		{"not a number", map[string]string{"PJM_BULKNUM": "x"}, Task{}, false, `PJM_BULKNUM="x"`},
		{"index past count", map[string]string{"PMI_RANK": "4", "PMI_SIZE": "4"}, Task{}, false, "task 4 of 4"},
	}
	for _, tc := range tests {
		got, ok, err := FromEnv(func(k string) string { return tc.env[k] })
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: err %v, want %q", tc.name, err, tc.err)
			}
			continue
		}
		if err != nil || ok != tc.ok || got != tc.want {
			t.Errorf("%s: %+v %v %v, want %+v %v", tc.name, got, ok, err, tc.want, tc.ok)
		}
	}
}
