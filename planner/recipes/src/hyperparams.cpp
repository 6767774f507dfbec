#include "recipes/hyperparams.h"
#include "systems/number_text.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "footprint/forecast.h"
#include "systems/layout_search.h"

namespace scaleplan::planner {

namespace {

constexpr double kPi = 3.14159265358979323846;

HyperparamLaw deepseek_llm() {
  HyperparamLaw l;
  l.name = kDefaultHyperparamLaw;
  l.citation = "Bi et al. 2024, DeepSeek LLM, arXiv:2401.02954, §3.1 eq. 1";
  l.caveat =
      "fitted from " + number_text(kDeepSeekFittedMinFlops, "%g") + " to " +
      number_text(kDeepSeekFittedMaxFlops, "%g") +
      " FLOPs on DeepSeek's bilingual corpus with their multi-step schedule; confirmed at 7B and 67B; a "
      "near-optimal band, not a single best point";
  l.lr_coefficient = kDeepSeekLrCoefficient;
  l.lr_exponent = kDeepSeekLrExponent;
  l.fitted_min_flops = kDeepSeekFittedMinFlops;
  l.fitted_max_flops = kDeepSeekFittedMaxFlops;
  l.adam_beta1 = kDeepSeekAdamBeta1;
  l.adam_beta2 = kDeepSeekAdamBeta2;
  l.adam_eps = kDeepSeekAdamEps;
  l.weight_decay = kDeepSeekWeightDecay;
  l.grad_clip = kDeepSeekGradClip;
  l.optimizer_source = "AdamW beta1 " + number_text(l.adam_beta1, "%g") + ", beta2 " +
                       number_text(l.adam_beta2, "%g") + ", weight decay " +
                       number_text(l.weight_decay, "%g") + ", gradient clip " +
                       number_text(l.grad_clip, "%.1f") + " (DeepSeek LLM §2.3)";
  return l;
}

}  // namespace

const std::vector<HyperparamLaw>& hyperparam_presets() {
  static const std::vector<HyperparamLaw> presets = {deepseek_llm()};
  return presets;
}

const HyperparamLaw& hyperparam_preset(const std::string& name) {
  std::string known;
  for (const HyperparamLaw& l : hyperparam_presets()) {
    if (l.name == name) return l;
    known += (known.empty() ? "" : ", ") + l.name;
  }
  throw PlanError(Field{"hyperparams"},
                  "'" + name + "' is not a hyperparameter preset (expected " + known + ")");
}

Hyperparams hyperparams_for(const HyperparamLaw& law, const hardware_db::ModelShape& shape, int seq_len,
                            double tokens) {
  Hyperparams h;
  h.law = law.name;
  h.flops_per_token = non_embedding_flops_per_token(shape, seq_len);
  h.compute_flops = h.flops_per_token * tokens;
  h.peak_lr = law.lr_coefficient * std::pow(h.compute_flops, law.lr_exponent);
  h.batch_tokens = batch_law_tokens(h.compute_flops);
  h.in_fitted_range = h.compute_flops >= law.fitted_min_flops && h.compute_flops <= law.fitted_max_flops;
  if (!h.in_fitted_range) {
    h.range_note = "outside the fitted range: C = M D = " + number_text(h.compute_flops, "%.2g") +
                   " FLOPs against " + number_text(law.fitted_min_flops, "%.2g") + "-" +
                   number_text(law.fitted_max_flops, "%.2g") + " for " + law.name +
                   "; learning rate and batch are extrapolated";
  }
  return h;
}

const char* schedule_name(Schedule s) {
  switch (s) {
    case Schedule::kMultiStep:
      return "multi-step";
    case Schedule::kCosine:
      return "cosine";
    case Schedule::kWsd:
      return "wsd";
  }
  return "";
}

Schedule schedule_from_name(const std::string& name) {
  for (Schedule s : {Schedule::kMultiStep, Schedule::kCosine, Schedule::kWsd}) {
    if (name == schedule_name(s)) return s;
  }
  throw PlanError(Field{"schedule"}, "'" + name + "' is not a schedule (expected multi-step, cosine or wsd)");
}

ScheduleSpec schedule_for(Schedule kind, long long total_steps) {
  ScheduleSpec s;
  s.kind = kind;
  s.warmup_steps = std::min(kWarmupSteps, static_cast<long long>(std::floor(kMaxWarmupShare * total_steps)));
  switch (kind) {
    case Schedule::kMultiStep:
      s.final_lr_fraction = kMultiStepSecondDropTo;
      s.drops = {{std::llround(kMultiStepFirstDropAt * total_steps), kMultiStepFirstDropTo},
                 {std::llround(kMultiStepSecondDropAt * total_steps), kMultiStepSecondDropTo}};
      s.source =
          "DeepSeek LLM §2.3: 2,000 warmup steps; 31.6% of the peak after 80% of tokens, 10% after 90%";
      break;
    case Schedule::kCosine:
      s.final_lr_fraction = kCosineFloor;
      s.source = "Llama 2 §2.2: 2,000 warmup steps, cosine decay to 10% of the peak";
      break;
    case Schedule::kWsd:
      s.final_lr_fraction = 0;
      s.decay_steps = std::llround(kWsdCooldownShare * total_steps);
      s.source =
          "warmup-stable-decay (MiniCPM, arXiv:2404.06395 §4); linear cooldown over the last 20% to zero "
          "(Hägele et al. 2024, arXiv:2405.18392 §3)";
      break;
  }
  return s;
}

double learning_rate_at(const ScheduleSpec& s, double peak, long long step, long long total) {
  if (step < s.warmup_steps)
    return peak * static_cast<double>(step + 1) / static_cast<double>(s.warmup_steps);
  switch (s.kind) {
    case Schedule::kMultiStep: {
      double fraction = 1;
      for (const auto& [from, f] : s.drops) {
        if (step >= from) fraction = f;
      }
      return peak * fraction;
    }
    case Schedule::kCosine: {
      const double span = std::max<long long>(1, total - s.warmup_steps);
      const double progress = std::min(1.0, static_cast<double>(step - s.warmup_steps) / span);
      const double floor = s.final_lr_fraction;
      return peak * (floor + (1 - floor) * 0.5 * (1 + std::cos(kPi * progress)));
    }
    case Schedule::kWsd: {
      const long long decay_from = total - s.decay_steps;
      if (step < decay_from || s.decay_steps <= 0) return peak;
      const double progress = static_cast<double>(step - decay_from + 1) / static_cast<double>(s.decay_steps);
      return peak * std::max(0.0, 1 - progress);
    }
  }
  return peak;
}

}  // namespace scaleplan::planner
