#include "billed_runs.h"

#include "laws/csv.h"
#include "systems/throughput.h"

namespace scaleplan::testing {

std::vector<BilledRun> read_billed_runs() {
  const auto t = laws::read_csv_file(std::string(SCALEPLAN_VALIDATION_DATA) + "/billed_runs.csv");
  const int run = t.find_column({"run"}), params = t.find_column({"params"}),
            tokens = t.find_column({"tokens"}), hardware = t.find_column({"hardware"}),
            gpus = t.find_column({"gpus"}), seq = t.find_column({"seq_len"}),
            hours = t.find_column({"gpu_hours"});
  std::vector<BilledRun> out;
  for (size_t i = 0; i < t.rows.size(); ++i) {
    out.push_back({t.rows[i][run], t.rows[i][hardware], t.number(i, params), t.number(i, tokens),
                   static_cast<int>(t.number(i, gpus)), static_cast<int>(t.number(i, seq)),
                   t.number(i, hours)});
  }
  return out;
}

double modelled_gpu_hours(const hardware_db::Database& db, const BilledRun& run) {
  planner::ThroughputRequest r;
  r.shape.params = run.params;
  r.tokens = run.tokens;
  r.hardware = run.hardware;
  r.gpus = run.gpus;
  r.seq_len = run.seq_len;
  const planner::ThroughputPlan p = planner::plan_throughput(db, r);
  return p.billed_gpu_hours * run.params / p.shape.params;
}

}  // namespace scaleplan::testing
