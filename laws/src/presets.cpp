#include "laws/presets.h"

#include <cmath>

namespace scaleplan::laws {

namespace {

Law chinchilla(std::string name, double e, double a, double b, double alpha, double beta,
               std::string citation, std::string caveat) {
  Law law;
  law.name = std::move(name);
  law.form = Form::kChinchilla;
  law.E = e;
  law.A = a;
  law.B = b;
  law.alpha = alpha;
  law.beta = beta;
  law.citation = std::move(citation);
  law.caveat = std::move(caveat);
  return law;
}

// Muennighoff et al. 2023, arXiv:2305.16264, App. A, fitted constants in
// log space (a, b, e) with R_D* and R_N* from their released code.
Law muennighoff2023() {
  Law m = chinchilla("muennighoff2023", std::exp(0.6254804), std::exp(6.255414), std::exp(7.3049974),
                     0.3526596, 0.3526596,
                     "Muennighoff et al. 2023, \"Scaling Data-Constrained Language "
                     "Models\", arXiv:2305.16264, eq. 5",
                     "Fitted on C4 with GPT-2 tokenizer; repeated epochs decay in value "
                     "(pass unique tokens U).");
  m.form = Form::kDataConstrained;
  m.r_d_star = kMuennighoffRDStar;
  m.r_n_star = kMuennighoffRNStar;
  return m;
}

// Kaplan et al. 2020, arXiv:2001.08361, Table 2 and eq. 1.5.
Law kaplan2020() {
  Law k;
  k.name = "kaplan2020";
  k.form = Form::kKaplan;
  k.alpha_n = 0.076;
  k.alpha_d = 0.103;
  k.n_c = 6.4e13;
  k.d_c = 1.8e13;
  k.citation =
      "Kaplan et al. 2020, \"Scaling Laws for Neural Language Models\", "
      "arXiv:2001.08361, eq. 1.5 and Table 2";
  k.caveat =
      "Non-embedding parameters, loss in nats on WebText2: not comparable "
      "with the Chinchilla presets.";
  return k;
}

// Hoffmann et al. 2022, arXiv:2203.15556, abstract: "over 400 language
// models ranging from 70 million to over 16 billion parameters on 5 to 500
// billion tokens"; Besiroglu et al. 2024 refit the same runs.
FittedRange chinchilla_runs() {
  return {70e6, 16e9, 5e9, 500e9,
          "the runs of Hoffmann et al. 2022, 70M to 16B parameters on 5B to 500B tokens"};
}

std::vector<Law> make_presets() {
  std::vector<Law> out;
  // Besiroglu et al. 2024, arXiv:2404.10102, eq. 4 (Huber MLE refit of the
  // 240 points extracted from Hoffmann et al. Fig. 4).
  out.push_back(chinchilla("besiroglu2024", 1.81686, 482.00572, 2085.43420, 0.34781, 0.36585,
                           "Besiroglu et al. 2024, \"Chinchilla Scaling: A replication attempt\", "
                           "arXiv:2404.10102",
                           "Refit of Chinchilla's own runs (MassiveText, its tokenizer): losses "
                           "are not comparable across datasets or tokenizers."));
  // Hoffmann et al. 2022, arXiv:2203.15556, eq. 10 (rounded as printed).
  out.push_back(chinchilla("hoffmann2022", 1.69, 406.4, 410.7, 0.34, 0.28,
                           "Hoffmann et al. 2022, \"Training Compute-Optimal Large Language "
                           "Models\", arXiv:2203.15556, eq. 10",
                           "Besiroglu et al. 2024 show this fit is inconsistent with the paper's "
                           "own data and its other two approaches."));
  // Unrounded values from the paper's LaTeX source (as used by Besiroglu
  // et al. 2024 and by Sardana & Frankle 2023).
  out.push_back(chinchilla("hoffmann2022-unrounded", 1.69337, 406.401, 410.723, 0.33917084, 0.2849083,
                           "Hoffmann et al. 2022, arXiv:2203.15556, eq. 10, unrounded values from "
                           "the paper's source",
                           "Same fit as hoffmann2022, with its inconsistency with the paper's "
                           "data (Besiroglu et al. 2024)."));

  for (Law& law : out) law.fitted = chinchilla_runs();

  out.push_back(muennighoff2023());
  Law kaplan = kaplan2020();
  // Kaplan et al. 2020, section 1.1 and Figure 1: 768 to 1.5B non-embedding
  // parameters, 22M to 23B tokens.
  kaplan.fitted = FittedRange{768, 1.5e9, 22e6, 23e9,
                              "the runs of Kaplan et al. 2020, 768 to 1.5B "
                              "non-embedding parameters on 22M to 23B tokens"};
  out.push_back(std::move(kaplan));
  return out;
}

}  // namespace

const std::vector<Law>& presets() {
  static const std::vector<Law> kPresets = make_presets();
  return kPresets;
}

const Law& preset(const std::string& name) {
  for (const Law& law : presets()) {
    if (law.name == name) return law;
  }
  std::string valid;
  for (const Law& law : presets()) {
    valid += (valid.empty() ? "" : ", ") + law.name;
  }
  throw LawError(Field{"law"}, shown_value(name) + " is not a known law (expected one of " + valid +
                                   ", or a law JSON file)");
}

}  // namespace scaleplan::laws
