// frontline calibrate | eval-routing | triage.
#include <cstdio>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/cli.h"
#include "pipeline/pipeline.h"

namespace fl::cli {

void AddRoutingCommands(CLI::App* app, std::vector<std::pair<CLI::App*, Runner>>* commands) {
  // ---- calibrate ----
  {
    auto* sub = app->add_subcommand(
        "calibrate", "Pick confidence thresholds with a precision guarantee; stored next to the model");
    auto data = std::make_shared<DataFlags>();
    auto model = std::make_shared<std::string>();
    auto opt = std::make_shared<pipeline::CalibrateOptions>();
    sub->add_option("--model", *model, "Model file (thresholds go to MODEL.routing.json)")->required();
    data->Add(sub, true);
    sub->add_option("--precision", opt->threshold.precision, "Target precision of automated decisions")
        ->check(CLI::Range(0.5, 0.9999))->capture_default_str();
    sub->add_option("--delta", opt->threshold.delta, "Allowed probability that the guarantee fails")
        ->check(CLI::Range(1e-6, 0.5))->capture_default_str();
    sub->add_option("--alpha", opt->alpha, "Conformal prediction sets miss the true label at most this often")
        ->check(CLI::Range(0.001, 0.5))->capture_default_str();
    sub->add_option("--field", opt->field, "Field to calibrate (default: the one named like --label)");
    sub->add_option("--oos-label", opt->oos_label, "Label of the out-of-scope class in the data");
    sub->add_option("--oos-max-drop", opt->oos_max_accuracy_drop,
                    "Out-of-scope threshold may cost at most this much in-scope accuracy")
        ->check(CLI::Range(0.0, 0.5))->capture_default_str();
    sub->add_option("--threads", opt->threads, "Threads (0: all cores)");
    commands->emplace_back(sub, [=] {
      auto m = classify::Model::Load(*model);
      if (!m.ok()) return Fail(m.status().ToString());
      pipeline::RoutingConfig existing;
      auto old = pipeline::LoadRouting(*model, *m);
      if (old.ok()) existing = std::move(old).value();
      auto config = pipeline::CalibrateRouting(*m, data->Spec(), *opt, std::move(existing));
      if (!config.ok()) return Fail(config.status().ToString());
      Status s = pipeline::SaveRouting(*model, *config);
      if (!s.ok()) return Fail(s.ToString());
      std::cout << pipeline::RoutingJson(*config) << "\n";
      LogInfo("wrote " + pipeline::RoutingPath(*model));
      return 0;
    });
  }
  // ---- routing-study ----
  {
    auto* sub = app->add_subcommand(
        "routing-study", "How often the precision guarantee fails over random calibration/test re-splits");
    auto data = std::make_shared<DataFlags>();
    auto model = std::make_shared<std::string>();
    auto field = std::make_shared<std::string>();
    auto opt = std::make_shared<route::ThresholdOptions>();
    auto resplits = std::make_shared<int>(200);
    auto seed = std::make_shared<uint64_t>(1);
    auto threads = std::make_shared<int>(0);
    sub->add_option("--model", *model, "Model file")->required();
    data->Add(sub, true);
    sub->add_option("--field", *field, "Field (default: the one named like --label)");
    sub->add_option("--precision", opt->precision, "Target precision")->check(CLI::Range(0.5, 0.9999))->capture_default_str();
    sub->add_option("--delta", opt->delta, "Allowed failure probability")->check(CLI::Range(1e-6, 0.5))->capture_default_str();
    sub->add_option("--resplits", *resplits, "Random 50/50 re-splits")->check(CLI::Range(1, 100000))->capture_default_str();
    sub->add_option("--seed", *seed, "Random seed of the re-splits")->capture_default_str();
    sub->add_option("--threads", *threads, "Threads (0: all cores)");
    commands->emplace_back(sub, [=] {
      auto m = classify::Model::Load(*model);
      if (!m.ok()) return Fail(m.status().ToString());
      auto st = pipeline::StudyResplits(*m, data->Spec(), *field, *opt, *resplits, *seed, *threads);
      if (!st.ok()) return Fail(st.status().ToString());
      std::cout << pipeline::ResplitStudyJson(*st) << "\n";
      return 0;
    });
  }
  // ---- eval-routing ----
  {
    auto* sub = app->add_subcommand("eval-routing",
                                    "Measure automation rate and precision of the calibrated thresholds");
    auto data = std::make_shared<DataFlags>();
    auto model = std::make_shared<std::string>();
    auto field = std::make_shared<std::string>();
    auto oos_label = std::make_shared<std::string>();
    auto json = std::make_shared<bool>(false);
    auto threads = std::make_shared<int>(0);
    sub->add_option("--model", *model, "Model file, calibrated with frontline calibrate")->required();
    data->Add(sub, true);
    sub->add_option("--field", *field, "Field to evaluate (default: the one named like --label)");
    sub->add_option("--oos-label", *oos_label,
                    "Out-of-scope label (must match the one given to calibrate)");
    sub->add_flag("--json", *json, "Print one JSON object");
    sub->add_option("--threads", *threads, "Threads (0: all cores)");
    auto triage_config = std::make_shared<std::string>();
    auto report = std::make_shared<std::string>();
    sub->add_option("--config", *triage_config, "Triage config: escalation policy and LLM prices for the cost report");
    sub->add_option("--report", *report, "Also write an HTML report with the routing and cost curves");
    commands->emplace_back(sub, [=] {
      auto tc = pipeline::LoadTriageConfig(*triage_config);
      if (!tc.ok()) return Fail(tc.status().ToString());
      auto m = classify::Model::Load(*model);
      if (!m.ok()) return Fail(m.status().ToString());
      auto config = pipeline::LoadRouting(*model, *m);
      if (!config.ok()) {
        if (config.status().code() == StatusCode::kNotFound) {
          return Fail(pipeline::RoutingPath(*model) + " not found: run frontline calibrate first");
        }
        return Fail(config.status().ToString());
      }
      auto ev = pipeline::EvaluateRouting(*m, *config, data->Spec(), *field, *threads, &*tc);
      if (!ev.ok()) return Fail(ev.status().ToString());
      if (!report->empty()) {
        auto reports = classify::EvaluateFile(*m, data->Spec(), *threads);
        if (!reports.ok()) return Fail(reports.status().ToString());
        const std::string html = classify::RenderHtmlReport(*reports, "frontline routing: " + *model,
                                                            m->MetadataJson(), {ev->report});
        Status s = WriteFileAtomic(*report, html);
        if (!s.ok()) return Fail(s.ToString());
        LogInfo("wrote " + *report);
      }
      if (!oos_label->empty()) {
        const pipeline::FieldRouting* fr = config->Find(ev->field);
        if (fr == nullptr || fr->oos_label != *oos_label) {
          return Fail("field '" + ev->field + "' was not calibrated with --oos-label " + *oos_label);
        }
      }
      if (*json) {
        std::cout << pipeline::RoutingEvalJson(*ev) << "\n";
        return 0;
      }
      std::printf("field %s: n=%lld threshold=%.4f\n", ev->field.c_str(),
                  static_cast<long long>(ev->n), ev->threshold);
      std::printf("  automated %.1f%% (%lld) at precision %.4f; escalated %lld with prediction sets "
                  "of %.2f labels on average (true label in the set %.1f%%)\n",
                  100 * ev->coverage, static_cast<long long>(ev->accepted), ev->precision,
                  static_cast<long long>(ev->escalated), ev->mean_set_size, 100 * ev->set_coverage);
      std::printf("  escalated to the LLM %lld, to a person %lld; estimated LLM spend %.4g vs %.4g "
                  "sending everything to the LLM (%.1f%% saved)\n",
                  static_cast<long long>(ev->to_llm), static_cast<long long>(ev->to_human), ev->hybrid_cost,
                  ev->all_llm_cost, ev->all_llm_cost > 0 ? 100 * (1 - ev->hybrid_cost / ev->all_llm_cost) : 0.0);
      if (ev->has_oos) {
        std::printf("  in-scope accuracy %.4f (closed-set %.4f), out-of-scope recall %.4f\n",
                    ev->in_scope_accuracy, ev->closed_set_accuracy, ev->oos_recall);
      }
      return 0;
    });
  }
  // ---- triage ----
  {
    auto* sub = app->add_subcommand(
        "triage", "Decide every field of every ticket in a file; unsure fields go to the review queue");
    auto model = std::make_shared<std::string>();
    auto in = std::make_shared<std::string>();
    auto out = std::make_shared<std::string>("decisions.jsonl");
    auto data_dir = std::make_shared<std::string>();
    auto text_cols = std::make_shared<std::string>("subject,body");
    auto opt = std::make_shared<pipeline::TriageOptions>();
    sub->add_option("--model", *model, "Model file (thresholds from MODEL.routing.json)")->required();
    sub->add_option("--in", *in, "Tickets: .csv, .tsv or .jsonl")->required();
    sub->add_option("--out", *out, "Decisions, one JSON line per ticket")->capture_default_str();
    sub->add_option("--data-dir", *data_dir,
                    "Store folder (default: $FRONTLINE_DATA_DIR, else ./frontline-data)");
    sub->add_option("--text", *text_cols, "Text column(s), comma-separated")->capture_default_str();
    sub->add_option("--id", opt->id_column, "External ticket id column")->capture_default_str();
    sub->add_flag("--skip-bad-rows", opt->read.skip_bad_rows, "Skip malformed rows instead of stopping");
    auto config = std::make_shared<std::string>();
    auto json_out = std::make_shared<bool>(false);
    sub->add_option("--config", *config, "Triage config (JSON): rules, escalation per field, the LLM tier");
    sub->add_flag("--dry-run", opt->dry_run,
                  "Route every field but call no LLM and write nothing to the store");
    sub->add_flag("--json", *json_out, "Print the run's counts as one JSON object");
    commands->emplace_back(sub, [=] {
      auto cfg = pipeline::LoadTriageConfig(*config);
      if (!cfg.ok()) return Fail(cfg.status().ToString());
      auto m = classify::Model::Load(*model);
      if (!m.ok()) return Fail(m.status().ToString());
      pipeline::RoutingConfig routing;
      auto r = pipeline::LoadRouting(*model, *m);
      if (r.ok()) {
        routing = std::move(r).value();
      } else if (r.status().code() == StatusCode::kNotFound) {
        LogWarn(*model + " is not calibrated (run frontline calibrate): every field goes to review");
      } else {
        return Fail(r.status().ToString());
      }
      pipeline::TriageOptions options = *opt;
      options.text_columns = text::SplitList(*text_cols);
      options.config = std::move(cfg).value();
      Result<store::Store> db = FailedPreconditionError("dry run: no store");
      if (!options.dry_run) {
        db = OpenStore(*data_dir);
        if (!db.ok()) return Fail(db.status().ToString());
      }
      auto stats = pipeline::TriageFile(*m, routing, *in, *out, options, db.ok() ? &*db : nullptr);
      if (!stats.ok()) return Fail(stats.status().ToString());
      const pipeline::TriageStats& s = *stats;
      const int64_t decided = s.fields_rule + s.fields_automated + s.fields_llm + s.fields_escalated;
      auto pct = [&](int64_t k) { return decided ? Fixed(100.0 * k / decided, 1) + "%" : std::string("-"); };
      LogInfo(std::string(options.dry_run ? "dry run: " : "") + "triaged " + std::to_string(s.tickets) +
              " tickets (" + std::to_string(s.already_decided) + " already decided earlier); " +
              std::to_string(decided) + " field decisions: rule " + pct(s.fields_rule) + ", specialist " +
              pct(s.fields_automated) + ", llm " + pct(s.fields_llm) + ", person " + pct(s.fields_escalated) +
              "; llm " + (options.dry_run ? "estimated " : "") + "spend " + Fixed(s.llm_cost, 4) + " -> " + *out);
      if (s.llm_failed + s.llm_skipped_budget + s.llm_skipped_breaker + s.llm_skipped_guard > 0) {
        LogWarn("llm tier: " + std::to_string(s.llm_failed) + " calls failed, " +
                std::to_string(s.llm_skipped_budget) + " skipped (budget), " +
                std::to_string(s.llm_skipped_breaker) + " skipped (circuit open), " +
                std::to_string(s.llm_skipped_guard) + " not sent (privacy guard failed); those fields went to review");
      }
      if (*json_out) {
        nlohmann::json j = {{"tickets", s.tickets},         {"already_decided", s.already_decided},
                            {"rule", s.fields_rule},        {"slm", s.fields_automated},
                            {"llm", s.fields_llm},          {"human", s.fields_escalated},
                            {"llm_calls", s.llm_calls},     {"llm_attempts", s.llm_attempts},
                            {"llm_failed", s.llm_failed},   {"llm_skipped_budget", s.llm_skipped_budget},
                            {"llm_skipped_breaker", s.llm_skipped_breaker},
                            {"llm_skipped_guard", s.llm_skipped_guard},
                            {"llm_tokens", s.llm_tokens},   {"llm_cost", s.llm_cost},
                            {"dry_run", options.dry_run}};
        std::cout << j.dump() << "\n";
      }
      return 0;
    });
  }
}

}  // namespace fl::cli
