#pragma once
// The accelerator counts every planner library sizes a run in: any count up
// to one node of kGpusPerNode, then whole nodes (1, 2, ..., 8, 16, 24, ...).
// Eight is the HGX/DGX server the clusters are bought and rented in, and the
// BLOOM study's 8-GPU server (Luccioni et al. 2023); below one node a run
// takes what it needs of it.

#include <string>

namespace scaleplan::planner {

// The smallest count of the progression that is at least `gpus` (1 below
// one). Sizes beyond any cluster (a loss near E asks for ~1e20 parameters)
// saturate at 2^30 rather than overflow an int.
int gpu_count_at_least(double gpus);
// The count of the progression after `gpus`.
int next_gpu_count(int gpus);

// The progression in words, as messages and help texts say it: "whole
// 8-GPU nodes past 8".
std::string gpu_count_rule();

}  // namespace scaleplan::planner
