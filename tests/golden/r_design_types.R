# Golden values for minyi's design types (analysis/design.py), produced by R's survey package:
#  * weights derived from the fpc when no weights are given (R svydesign), both fpc forms, on `fpc`;
#  * multistage designs with an fpc at every stage (full multistage variance, survey:::multistage)
#    on `mu284` and `apiclus2`, and the one-stage (with-replacement) approximation for contrast;
#  * PPS without replacement, Brewer's approximation (pps="brewer"), on `election_pps`.
# Run from the repository root:  Rscript tests/golden/r_design_types.R
# Writes the data sets it uses (tests/golden/r_design_types_<name>.csv) and
# tests/golden/r_design_types_expected.csv (case, quantity, value, R call). CI does not run R.
suppressMessages(library(survey))
data(fpc); data(mu284); data(api); data(election)
options(survey.lonely.psu = "fail")

fpcd <- fpc
fpcd$fh <- fpcd$nh / fpcd$Nh
fpcd$big <- as.integer(fpcd$x > 6)
apiclus2$yes <- as.integer(apiclus2$sch.wide == "Yes")
elect <- election_pps[, c("County", "TotPrecincts", "Bush", "Kerry", "Nader", "votes", "p")]
elect$County <- as.character(elect$County)
elect$kerry_won <- as.integer(elect$Kerry > elect$Bush)
elect$big <- ifelse(elect$votes > 200000, "big", "small")
mu <- mu284
mu$big <- as.integer(mu$y1 > 45)
write.csv(fpcd, "tests/golden/r_design_types_fpc.csv", row.names = FALSE)
write.csv(mu, "tests/golden/r_design_types_mu284.csv", row.names = FALSE)
write.csv(apiclus2[, c("cds", "dnum", "snum", "stype", "api00", "api99", "meals", "yes", "pw", "fpc1", "fpc2")],
          "tests/golden/r_design_types_apiclus2.csv", row.names = FALSE)
write.csv(elect, "tests/golden/r_design_types_election_pps.csv", row.names = FALSE)

out <- list()
add <- function(case, quantity, value, call) {
  out[[length(out) + 1]] <<- data.frame(case = case, quantity = quantity, value = sprintf("%.17g", value), r_call = call)
}

designs <- list(
  # fpc without weights: weights N_h/n_h (counts) or 1/f_h (fractions); PSU ids repeat across strata (nest=TRUE)
  fpc_counts = list(d = "svydesign(ids=~psuid, strata=~stratid, fpc=~Nh, data=fpcd, nest=TRUE)", y = "x", r = "nh", b = "big"),
  fpc_fractions = list(d = "svydesign(ids=~psuid, strata=~stratid, fpc=~fh, data=fpcd, nest=TRUE)", y = "x", r = "nh", b = "big"),
  fpc_weights = list(d = "svydesign(ids=~psuid, strata=~stratid, fpc=~Nh, weights=~weight, data=fpcd, nest=TRUE)", y = "x", r = "nh", b = "big"),
  fpc_unclustered = list(d = "svydesign(ids=~1, strata=~stratid, fpc=~Nh, data=fpcd)", y = "x", r = "nh", b = "big"),
  # two-stage with fpc at both stages: full multistage variance
  mu284 = list(d = "svydesign(ids=~id1+id2, fpc=~n1+n2, data=mu)", y = "y1", r = "n2", b = "big"),
  mu284_onestage = list(d = "svydesign(ids=~id1+id2, weights=~I(n1*n2/15), data=mu)", y = "y1", r = "n2", b = "big"),
  apiclus2 = list(d = "svydesign(ids=~dnum+snum, fpc=~fpc1+fpc2, data=apiclus2)", y = "api00", r = "api99", b = "yes", by = "stype"),
  apiclus2_weights = list(d = "svydesign(ids=~dnum+snum, fpc=~fpc1+fpc2, weights=~pw, data=apiclus2)", y = "api00", r = "api99", b = "yes", by = "stype"),
  apiclus2_onestage = list(d = "svydesign(ids=~dnum+snum, weights=~pw, data=apiclus2)", y = "api00", r = "api99", b = "yes", by = "stype"),
  # PPS without replacement, Brewer's approximation; fpc = inclusion probabilities, weights 1/p
  election_brewer = list(d = "svydesign(ids=~1, fpc=~p, data=elect, pps='brewer')", y = "Kerry", r = "votes", b = "kerry_won", by = "big"),
  election_brewer_ppswr = list(d = "svydesign(ids=~1, probs=~p, data=elect)", y = "Kerry", r = "votes", b = "kerry_won", by = "big")
)

for (cs in names(designs)) {
  spec <- designs[[cs]]
  des <- eval(parse(text = spec$d))
  pre <- paste0("des <- ", spec$d, "; ")
  f <- function(s) as.formula(paste0("~", s))
  add(cs, "degf", degf(des), paste0(pre, "degf(des)"))
  add(cs, "sum_weights", sum(weights(des)), paste0(pre, "sum(weights(des))"))
  add(cs, "weight_1", weights(des)[1], paste0(pre, "weights(des)[1]"))
  m <- svymean(f(spec$y), des, deff = TRUE)
  add(cs, "mean", coef(m), paste0(pre, "svymean(~", spec$y, ", des, deff=TRUE)"))
  add(cs, "mean_se", SE(m), paste0(pre, "svymean(~", spec$y, ", des, deff=TRUE)"))
  add(cs, "mean_deff", deff(m), paste0(pre, "svymean(~", spec$y, ", des, deff=TRUE)"))
  ci <- confint(m, df = degf(des))
  add(cs, "mean_ci_low", ci[1], paste0(pre, "confint(svymean(~", spec$y, ", des), df=degf(des))"))
  add(cs, "mean_ci_high", ci[2], paste0(pre, "confint(svymean(~", spec$y, ", des), df=degf(des))"))
  t <- svytotal(f(spec$y), des)
  add(cs, "total", coef(t), paste0(pre, "svytotal(~", spec$y, ", des)"))
  add(cs, "total_se", SE(t), paste0(pre, "svytotal(~", spec$y, ", des)"))
  r <- svyratio(f(spec$y), f(spec$r), des)
  add(cs, "ratio", coef(r), paste0(pre, "svyratio(~", spec$y, ", ~", spec$r, ", des)"))
  add(cs, "ratio_se", SE(r), paste0(pre, "svyratio(~", spec$y, ", ~", spec$r, ", des)"))
  for (meth in c("logit", "beta")) {
    p <- eval(parse(text = paste0("svyciprop(~I(", spec$b, "==1), des, method='", meth, "')")))
    add(cs, paste0("prop_", meth), coef(p), paste0(pre, "svyciprop(~I(", spec$b, "==1), des, method='", meth, "')"))
    add(cs, paste0("prop_", meth, "_ci_low"), attr(p, "ci")[1], paste0(pre, "svyciprop(~I(", spec$b, "==1), des, method='", meth, "')"))
    add(cs, paste0("prop_", meth, "_ci_high"), attr(p, "ci")[2], paste0(pre, "svyciprop(~I(", spec$b, "==1), des, method='", meth, "')"))
  }
  add(cs, "prop_se", SE(svymean(f(spec$b), des)), paste0(pre, "svymean(~", spec$b, ", des)"))
  if (!is.null(spec$by)) {
    by <- tryCatch(svyby(f(spec$y), f(spec$by), des, svymean, covmat = TRUE), error = function(e) NULL)
    has_cov <- !is.null(by)
    if (!has_cov) by <- svyby(f(spec$y), f(spec$by), des, svymean)  # R's covmat fails for PPS designs
    for (i in seq_len(nrow(by))) {
      add(cs, paste0("by_", by[[spec$by]][i], "_mean"), coef(by)[i], paste0(pre, "svyby(~", spec$y, ", ~", spec$by, ", des, svymean)"))
      add(cs, paste0("by_", by[[spec$by]][i], "_se"), SE(by)[i], paste0(pre, "svyby(~", spec$y, ", ~", spec$by, ", des, svymean)"))
    }
    if (has_cov) {
      V <- vcov(by)
      add(cs, "by_cov_1_2", V[1, 2], paste0(pre, "vcov(svyby(~", spec$y, ", ~", spec$by, ", des, svymean, covmat=TRUE))[1,2]"))
    }
  }
}
res <- do.call(rbind, out)
write.csv(res, "tests/golden/r_design_types_expected.csv", row.names = FALSE)
