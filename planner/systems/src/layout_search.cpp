#include "systems/layout_search.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <tuple>

#include "hardware_db/database.h"
#include "systems/errors.h"

namespace scaleplan::planner {

double batch_law_tokens(double compute_flops) {
  return kBatchLawCoefficient * std::pow(compute_flops, kBatchLawExponent);
}

Goodput goodput_for(int gpus) {
  const double failures = 1 + kInterruptionsPerGpuHour * gpus * kHoursLostPerInterruption;
  // The interval of billed hours, steady / goodput x [low, high] factor, as
  // goodputs.
  const double g = kGoodputBase / failures;
  return {g, g / kBilledHoursHighFactor, g / kBilledHoursLowFactor};
}

namespace {

// Micro-batches per step beyond which no run goes (and an int would overflow).
constexpr double kMaxGradAccum = 1e8;
constexpr Recompute kRecomputes[] = {Recompute::kNone, Recompute::kSelective, Recompute::kFull};

// The enumeration order (TP, PP, chunks, recomputation, ZeRO, micro-batch):
// an exact tie goes to the layout it meets first, whatever order a search
// visits them in.
auto enumeration_key(const Layout& l) {
  return std::tuple(l.tensor_parallel, l.pipeline_parallel, l.virtual_pipeline, l.recompute, l.zero_stage,
                    l.micro_batch);
}

// Faster first, then leaner.
bool better(const LayoutResult& a, const LayoutResult& b) {
  if (a.time.step_s != b.time.step_s) return a.time.step_s < b.time.step_s;
  if (a.memory.total_bytes() != b.memory.total_bytes())
    return a.memory.total_bytes() < b.memory.total_bytes();
  return enumeration_key(a.layout) < enumeration_key(b.layout);
}

bool leaner(const LayoutResult& a, const LayoutResult& b) {
  if (a.memory.total_bytes() != b.memory.total_bytes())
    return a.memory.total_bytes() < b.memory.total_bytes();
  return enumeration_key(a.layout) < enumeration_key(b.layout);
}

struct Ranking {
  size_t top;
  SearchResult result;
  LayoutResult leanest;
  bool any = false;

  // The step time a layout must beat to rank; none while the ranking has room.
  double bar_s() const { return result.best.size() == top ? result.best.back().time.step_s : HUGE_VAL; }

  // `timed`: r.time is computed; a layout left untimed cannot rank.
  void add(const LayoutResult& r, bool timed) {
    ++result.evaluated;
    if (!any || leaner(r, leanest)) leanest = r;
    any = true;
    if (!r.fits) return;
    ++result.fitting;
    if (!timed) return;
    auto& best = result.best;
    if (best.size() == top && !better(r, best.back())) return;
    best.insert(std::upper_bound(best.begin(), best.end(), r, better), r);
    if (best.size() > top) best.pop_back();
  }
};

template <class T>
std::vector<T> pinned_or(std::optional<T> pin, std::vector<T> all) {
  if (pin) return {*pin};
  return all;
}

// A pin below its smallest meaningful value (a TP of 0 would divide by
// zero further down) is refused by the name the user typed.
void check_pin_ranges(const SearchOptions& o) {
  const std::pair<const char*, std::optional<int>> counts[] = {{"tp", o.tensor_parallel},
                                                               {"pp", o.pipeline_parallel},
                                                               {"micro_batch", o.micro_batch},
                                                               {"virtual_stages", o.virtual_pipeline}};
  for (const auto& [name, pin] : counts) {
    if (pin && *pin < 1)
      throw PlanError(Field{name}, std::to_string(*pin) + " must be a whole count of at least 1");
  }
  if (o.zero_stage && (*o.zero_stage < 0 || *o.zero_stage > 3))
    throw PlanError(Field{"zero"},
                    std::to_string(*o.zero_stage) + " is not a ZeRO stage; expected 0, 1, 2 or 3");
}

// A pinned dimension that cannot work is the user's mistake: say which.
void check_pins(const System& sys, const Workload& w, const SearchOptions& o) {
  if (!(o.tensor_parallel || o.pipeline_parallel || o.micro_batch || o.virtual_pipeline || o.zero_stage))
    return;
  check_pin_ranges(o);
  Layout probe;
  probe.tensor_parallel = o.tensor_parallel.value_or(1);
  probe.pipeline_parallel = o.pipeline_parallel.value_or(1);
  probe.micro_batch = o.micro_batch.value_or(1);
  probe.zero_stage = o.zero_stage.value_or(1);
  if (o.gpus % (probe.tensor_parallel * probe.pipeline_parallel) != 0) {
    throw PlanError(Field{"gpus"}, std::to_string(o.gpus) + " is not a multiple of TP x PP = " +
                                       std::to_string(probe.tensor_parallel * probe.pipeline_parallel));
  }
  // The batch constraint needs the whole layout; the others hold alone.
  Workload probe_work = w;
  if (o.tensor_parallel && o.pipeline_parallel) {
    probe.data_parallel = o.gpus / (probe.tensor_parallel * probe.pipeline_parallel);
  } else {
    probe_work.global_batch_seqs = std::max(w.global_batch_seqs, static_cast<double>(probe.micro_batch));
  }
  if (o.virtual_pipeline) probe.virtual_pipeline = *o.virtual_pipeline;
  if (std::string why = layout_problem(sys, probe_work, probe); !why.empty()) throw PlanError(why);
}

// The search's answer: the best layouts, or why none fits (the closest
// miss, or no layout of the count at all).
SearchResult result_of(Ranking& c, const SearchOptions& o, const System& sys) {
  SearchResult out = std::move(c.result);
  if (!out.best.empty()) return out;
  if (!c.any) {
    out.why_none = "no layout of " + std::to_string(o.gpus) + " accelerators matches the constraints";
    return out;
  }
  char buf[200];
  std::snprintf(
      buf, sizeof buf, "no layout fits: the leanest (%s) needs %.1f GiB per accelerator of %.1f GiB",
      c.leanest.layout.describe().c_str(), hardware_db::bytes_to_gib(c.leanest.memory.total_bytes()),
      hardware_db::bytes_to_gib(sys.memory_bytes));
  out.why_none = buf;
  return out;
}

// The TP x PP x DP blocks of the space that are valid layouts, the rest of
// each at its defaults.
std::vector<Layout> valid_bases(const System& sys, const Workload& w, const SearchOptions& o,
                                const std::vector<int>& tps) {
  std::vector<Layout> out;
  for (int tp : tps) {
    for (int pp = 1; pp <= w.shape.layers; ++pp) {
      if ((o.pipeline_parallel && pp != *o.pipeline_parallel) || o.gpus % (tp * pp) != 0) continue;
      Layout base;
      base.tensor_parallel = tp;
      base.pipeline_parallel = pp;
      base.data_parallel = o.gpus / (tp * pp);
      if (layout_valid(sys, w, base)) out.push_back(base);
    }
  }
  return out;
}

// Every layout of the space in a fixed order; `prune` stops growing the
// micro-batch once one no longer fits (memory grows with it).
class Search {
 public:
  Search(const System& sys, const Workload& w, const SearchOptions& o, bool prune)
      : sys_(sys),
        w_(w),
        o_(o),
        prune_(prune),
        c_{std::max<size_t>(1, o.top), {}, {}, false},
        evaluator_(sys, w) {
    for (int t = 1; t <= std::min(sys.node_size, w.shape.heads); t *= 2) tps_.push_back(t);
    for (int b = 1; b <= kLargestMicroBatch; b *= 2) micro_.push_back(b);
    zeros_ = pinned_or<int>(o.zero_stage, {0, 1, 2, 3});
    recomputes_ = pinned_or<Recompute>(o.recompute, {std::begin(kRecomputes), std::end(kRecomputes)});
    if (o.tensor_parallel) tps_ = {*o.tensor_parallel};
    if (o.micro_batch) micro_ = {*o.micro_batch};
  }

  SearchResult run() {
    std::vector<Base> bases;
    for (const Layout& l : valid_bases(sys_, w_, o_, tps_)) bases.push_back({l, 0});
    if (o_.count_all || !prune_) {
      for (const Base& b : bases) search_base(b.layout, false);
      return result_of(c_, o_, sys_);
    }
    // A block whose sharded state alone overflows the memory holds no
    // layout that fits.
    std::erase_if(bases,
                  [&](const Base& b) { return base_memory_floor_bytes(b.layout) > sys_.memory_bytes; });
    // Most promising first: once one TP x PP x DP has set the bar, a block
    // whose floor is above it holds no layout that ranks, nor do the ones
    // after it.
    for (Base& b : bases) b.floor_s = base_floor_s(b.layout);
    std::stable_sort(bases.begin(), bases.end(),
                     [](const Base& a, const Base& b) { return a.floor_s < b.floor_s; });
    for (const Base& b : bases) {
      if (b.floor_s > c_.bar_s()) break;
      search_base(b.layout, true);
    }
    if (c_.result.best.empty() && o_.explain_none) {
      // Nothing fits: the closest miss is found by weighing every layout.
      SearchOptions counting = o_;
      counting.count_all = true;
      return Search(sys_, w_, counting, prune_).run();
    }
    if (c_.result.best.empty()) {
      c_.result.why_none = c_.any ? "no layout fits" : "no layout matches the constraints";
      return std::move(c_.result);
    }
    return result_of(c_, o_, sys_);
  }

 private:
  struct Base {
    Layout layout;  // TP x PP x DP; the rest at its defaults
    double floor_s = 0;
  };

  // What every layout of one TP x PP x DP holds at least: its weights,
  // gradients and optimizer state at the most sharding searched, and the
  // runtime's overhead (the margin covers rounding).
  double base_memory_floor_bytes(Layout l) {
    l.zero_stage = *std::max_element(zeros_.begin(), zeros_.end());
    const LayoutMemory m = evaluator_.measure(l).memory;
    return (m.weights_bytes + m.gradients_bytes + m.optimizer_bytes + m.overhead_bytes) * (1 - 1e-9);
  }

  // A lower bound of step_floor_s over every layout of one TP x PP x DP:
  // no recomputation (it only adds compute and collectives), no pipeline
  // bubble, and a micro-batch's time per sequence at the largest
  // micro-batch the batch allows (it never grows with the micro-batch:
  // larger GEMMs run no slower per token, launches amortise, the rest is
  // linear), for at least B / DP sequences per replica. The margin covers
  // rounding.
  double base_floor_s(Layout l) {
    int largest = 0;
    for (int b : micro_) {
      if (static_cast<double>(l.data_parallel) * b <= w_.global_batch_seqs) largest = std::max(largest, b);
    }
    if (largest == 0) return HUGE_VAL;  // no micro-batch is valid: nothing to rank
    l.recompute = Recompute::kNone;
    l.micro_batch = largest;
    l.num_micro_batches = 1;
    l.virtual_pipeline = 1;
    const double per_sequence_s = evaluator_.micro_batch_floor_s(l) / largest;
    return w_.global_batch_seqs / l.data_parallel * per_sequence_s * (1 - 1e-9);
  }

  // Every chunking, micro-batch, recomputation and ZeRO stage of one
  // TP x PP x DP. A fitting layout is timed only when its floor can rank
  // (a tie on time ranks by memory). With `skip`, a layout whose floor
  // cannot rank is not weighed at all, and since recomputation only adds to
  // the floor, none of a micro-batch's is when it cannot rank without.
  // When pruning, a recomputation and ZeRO stage that no longer fits is
  // dropped for the larger micro-batches (memory grows with them).
  void search_base(Layout l, bool skip) {
    std::vector<int> chunks = {1};
    if (l.pipeline_parallel > 1) chunks = {1, 2, 4};
    if (o_.virtual_pipeline) chunks = {*o_.virtual_pipeline};
    Layout none = l;
    none.recompute = Recompute::kNone;
    for (int v : chunks) {
      l.virtual_pipeline = none.virtual_pipeline = v;
      std::vector<bool> outgrown(recomputes_.size() * zeros_.size(), false);
      for (int b : micro_) {
        const double accumulation =
            std::ceil(w_.global_batch_seqs / (static_cast<double>(l.data_parallel) * b));
        if (!(accumulation <= kMaxGradAccum)) continue;  // a batch beyond any run; larger b may hold it
        l.micro_batch = none.micro_batch = b;
        l.num_micro_batches = none.num_micro_batches = static_cast<int>(accumulation);
        if (!layout_valid(sys_, w_, l)) break;  // larger micro-batches fail too
        if (l.virtual_pipeline > 1 && l.num_micro_batches < l.pipeline_parallel) continue;
        if (skip && evaluator_.step_floor_s(none) > c_.bar_s()) continue;
        for (size_t i = 0; i < recomputes_.size(); ++i) {
          l.recompute = recomputes_[i];
          const bool can_rank = !(evaluator_.step_floor_s(l) > c_.bar_s());
          if (skip && !can_rank) continue;
          for (size_t z = 0; z < zeros_.size(); ++z) {
            if (outgrown[i * zeros_.size() + z]) continue;
            l.zero_stage = zeros_[z];
            LayoutResult r = evaluator_.measure(l);
            const bool timed =
                r.fits && !(evaluator_.step_floor_s(l) > c_.bar_s());  // the bar may have moved
            if (timed) evaluator_.time(r);
            c_.add(r, timed);
            outgrown[i * zeros_.size() + z] = prune_ && !r.fits;
          }
        }
      }
    }
  }

  const System& sys_;
  const Workload& w_;
  const SearchOptions& o_;
  bool prune_;
  std::vector<int> tps_, micro_, zeros_;
  std::vector<Recompute> recomputes_;
  Ranking c_;
  LayoutEvaluator evaluator_;
};

SearchResult search(const System& sys, const Workload& w, const SearchOptions& o, bool prune) {
  if (o.gpus <= 0) throw PlanError(Field{"gpus"}, std::to_string(o.gpus) + " must be a positive count");
  check_pins(sys, w, o);
  return Search(sys, w, o, prune).run();
}

}  // namespace

SearchResult search_layouts(const System& sys, const Workload& w, const SearchOptions& o) {
  return search(sys, w, o, true);
}

SearchResult search_layouts_exhaustive(const System& sys, const Workload& w, const SearchOptions& o) {
  return search(sys, w, o, false);
}

}  // namespace scaleplan::planner
