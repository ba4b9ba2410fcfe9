# Golden values for minyi's estimators, produced by R's survey package.
# Run from the repository root:  Rscript tests/golden/r_estimators.R
# Writes tests/golden/r_estimators_data.csv (the data) and tests/golden/r_estimators_expected.csv
# (one row per value: case, quantity, value, and the R call that produced it). CI does not run R.
suppressMessages(library(survey))
set.seed(20261124)
n_h <- c(4, 5, 6, 5)          # PSUs sampled per stratum
N_h <- c(20, 30, 25, 40)      # PSUs in the population per stratum
rows <- list()
for (h in 1:4) for (j in 1:n_h[h]) {
  m <- sample(4:9, 1)
  rows[[length(rows) + 1]] <- data.frame(st = h, psu = j, Npsu = N_h[h], fpcfrac = n_h[h] / N_h[h], m = m)
}
clus <- do.call(rbind, rows)
d <- clus[rep(seq_len(nrow(clus)), clus$m), ]
d$m <- NULL
n <- nrow(d)
d$psu_id <- paste0(d$st, "-", d$psu)
d$w <- round(runif(n, 5, 40), 3)
d$y <- round(rnorm(n, 60 + 3 * d$st, 12) + rep(rnorm(nrow(clus), 0, 6), clus$m), 2)
d$x <- round(runif(n, 1, 5), 2)
d$b <- as.integer(runif(n) < plogis(-0.6 + 0.3 * d$st + rep(rnorm(nrow(clus), 0, 0.5), clus$m)))
d$g <- sample(c("a", "b", "c"), n, replace = TRUE, prob = c(0.5, 0.3, 0.2))
# unit-level stratified design: population units per stratum
d$Nunits <- ave(d$st, d$st, FUN = length) * c(12, 15, 9, 20)[d$st]
d$wunit <- d$Nunits / ave(d$st, d$st, FUN = length)
d$Nall <- 5000
d$wsrs <- 5000 / n
# a stratum with a single PSU for lonely-psu cases
d$st_lonely <- ifelse(d$st == 4 & d$psu == 1, 5, d$st)
write.csv(d, "tests/golden/r_estimators_data.csv", row.names = FALSE)

designs <- list(
  strat_fpc = list(call = "svydesign(ids=~1, strata=~st, weights=~wunit, fpc=~Nunits, data=d)",
                   des = svydesign(ids = ~1, strata = ~st, weights = ~wunit, fpc = ~Nunits, data = d)),
  strat_fpcfrac = list(call = "svydesign(ids=~1, strata=~st, weights=~wunit, fpc=~I(1/wunit), data=d)",
                   des = svydesign(ids = ~1, strata = ~st, weights = ~wunit, fpc = ~I(1 / wunit), data = d)),
  clus1 = list(call = "svydesign(ids=~psu_id, weights=~w, data=d)",
               des = svydesign(ids = ~psu_id, weights = ~w, data = d)),
  clus1_fpc = list(call = "svydesign(ids=~psu_id, weights=~w, fpc=~I(rep(200, nrow(d))), data=d)",
               des = svydesign(ids = ~psu_id, weights = ~w, fpc = ~I(rep(200, nrow(d))), data = d)),
  strat_clus = list(call = "svydesign(ids=~psu, strata=~st, weights=~w, nest=TRUE, data=d)",
               des = svydesign(ids = ~psu, strata = ~st, weights = ~w, nest = TRUE, data = d)),
  strat_clus_fpc = list(call = "svydesign(ids=~psu, strata=~st, weights=~w, fpc=~Npsu, nest=TRUE, data=d)",
               des = svydesign(ids = ~psu, strata = ~st, weights = ~w, fpc = ~Npsu, nest = TRUE, data = d)),
  srs_fpc = list(call = "svydesign(ids=~1, weights=~wsrs, fpc=~Nall, data=d)",
               des = svydesign(ids = ~1, weights = ~wsrs, fpc = ~Nall, data = d)),
  srs_noweights = list(call = "svydesign(ids=~1, data=d)",
               des = suppressWarnings(svydesign(ids = ~1, data = d)))
)
out <- list()
add <- function(case, quantity, value, call) {
  out[[length(out) + 1]] <<- data.frame(case = case, quantity = quantity, value = sprintf("%.17g", value), r_call = call)
}
for (nm in names(designs)) {
  des <- designs[[nm]]$des; dc <- designs[[nm]]$call
  add(nm, "degf", degf(des), paste0("degf(", dc, ")"))
  m <- svymean(~y, des, deff = TRUE)
  add(nm, "mean_y", coef(m), "svymean(~y, des, deff=TRUE)")
  add(nm, "mean_y_se", SE(m), "svymean(~y, des, deff=TRUE)")
  if (nm != "srs_noweights") add(nm, "mean_y_deff", deff(m), "svymean(~y, des, deff=TRUE)")
  ci <- confint(m, df = degf(des))
  add(nm, "mean_y_ci_low", ci[1], "confint(svymean(~y, des), df=degf(des))")
  add(nm, "mean_y_ci_high", ci[2], "confint(svymean(~y, des), df=degf(des))")
  t <- svytotal(~y, des, deff = TRUE)
  add(nm, "total_y", coef(t), "svytotal(~y, des, deff=TRUE)")
  add(nm, "total_y_se", SE(t), "svytotal(~y, des, deff=TRUE)")
  if (nm != "srs_noweights") add(nm, "total_y_deff", deff(t), "svytotal(~y, des, deff=TRUE)")
  r <- svyratio(~y, ~x, des, deff = TRUE)
  add(nm, "ratio_yx", coef(r), "svyratio(~y, ~x, des)")
  add(nm, "ratio_yx_se", SE(r), "svyratio(~y, ~x, des)")
  if (nm != "srs_noweights") add(nm, "ratio_yx_deff", deff(r), "svyratio(~y, ~x, des, deff=TRUE)")
  for (meth in c("logit", "xlogit", "beta", "mean")) {
    p <- svyciprop(~I(b == 1), des, method = meth)
    ci <- attr(p, "ci")
    add(nm, paste0("prop_b_", meth), coef(p), paste0("svyciprop(~I(b==1), des, method='", meth, "')"))
    add(nm, paste0("prop_b_", meth, "_ci_low"), ci[1], paste0("svyciprop(~I(b==1), des, method='", meth, "')"))
    add(nm, paste0("prop_b_", meth, "_ci_high"), ci[2], paste0("svyciprop(~I(b==1), des, method='", meth, "')"))
    p90 <- svyciprop(~I(b == 1), des, method = meth, level = 0.9)
    add(nm, paste0("prop_b_", meth, "_90_ci_low"), attr(p90, "ci")[1], paste0("svyciprop(~I(b==1), des, method='", meth, "', level=0.9)"))
    add(nm, paste0("prop_b_", meth, "_90_ci_high"), attr(p90, "ci")[2], paste0("svyciprop(~I(b==1), des, method='", meth, "', level=0.9)"))
  }
  pm <- svymean(~b, des, deff = TRUE)
  add(nm, "prop_b_se", SE(pm), "svymean(~b, des)")
  if (nm != "srs_noweights") add(nm, "prop_b_deff", deff(pm), "svymean(~b, des, deff=TRUE)")
  # domains
  for (gv in c("a", "b", "c")) {
    sub <- subset(des, g == gv)
    ms <- svymean(~y, sub, deff = TRUE)
    add(nm, paste0("dom_", gv, "_mean_y"), coef(ms), paste0("svymean(~y, subset(des, g=='", gv, "'), deff=TRUE)"))
    add(nm, paste0("dom_", gv, "_mean_y_se"), SE(ms), paste0("svymean(~y, subset(des, g=='", gv, "'))"))
    if (nm != "srs_noweights") add(nm, paste0("dom_", gv, "_mean_y_deff"), deff(ms), paste0("svymean(~y, subset(des, g=='", gv, "'), deff=TRUE)"))
    add(nm, paste0("dom_", gv, "_degf"), degf(sub), paste0("degf(subset(des, g=='", gv, "'))"))
    ci <- confint(ms, df = degf(sub))
    add(nm, paste0("dom_", gv, "_mean_y_ci_low"), ci[1], paste0("confint(svymean(~y, subset(des, g=='", gv, "')), df=degf(subset(...)))"))
    add(nm, paste0("dom_", gv, "_mean_y_ci_high"), ci[2], paste0("confint(svymean(~y, subset(des, g=='", gv, "')), df=degf(subset(...)))"))
    for (meth in c("logit", "beta", "mean")) {
      p <- svyciprop(~I(b == 1), sub, method = meth)
      add(nm, paste0("dom_", gv, "_prop_b_", meth), coef(p), paste0("svyciprop(~I(b==1), subset(des, g=='", gv, "'), method='", meth, "')"))
      add(nm, paste0("dom_", gv, "_prop_b_", meth, "_ci_low"), attr(p, "ci")[1], paste0("svyciprop(~I(b==1), subset(des, g=='", gv, "'), method='", meth, "')"))
      add(nm, paste0("dom_", gv, "_prop_b_", meth, "_ci_high"), attr(p, "ci")[2], paste0("svyciprop(~I(b==1), subset(des, g=='", gv, "'), method='", meth, "')"))
    }
    tt <- svytotal(~y, sub)
    add(nm, paste0("dom_", gv, "_total_y"), coef(tt), paste0("svytotal(~y, subset(des, g=='", gv, "'))"))
    add(nm, paste0("dom_", gv, "_total_y_se"), SE(tt), paste0("svytotal(~y, subset(des, g=='", gv, "'))"))
  }
  by <- svyby(~y, ~g, des, svymean, deff = TRUE)
  for (i in seq_len(nrow(by))) {
    add(nm, paste0("by_", by$g[i], "_mean_y_se"), SE(by)[i], "svyby(~y, ~g, des, svymean, deff=TRUE)")
    add(nm, paste0("by_", by$g[i], "_mean_y"), coef(by)[i], "svyby(~y, ~g, des, svymean, deff=TRUE)")
  }
  rr <- svyratio(~I(y * (g == "a")), ~I(as.numeric(g == "a")), des)
  add(nm, "ratio_dom_a_se", SE(rr), "svyratio(~I(y*(g=='a')), ~I(as.numeric(g=='a')), des)")
}
# lonely PSU options
for (opt in c("certainty", "adjust", "average", "remove")) {
  options(survey.lonely.psu = opt)
  des <- svydesign(ids = ~psu, strata = ~st_lonely, weights = ~w, nest = TRUE, data = d)
  m <- svymean(~y, des)
  add(paste0("lonely_", opt), "mean_y_se", SE(m), paste0("options(survey.lonely.psu='", opt, "'); svymean(~y, svydesign(ids=~psu, strata=~st_lonely, weights=~w, nest=TRUE, data=d))"))
  t <- svytotal(~y, des)
  add(paste0("lonely_", opt), "total_y_se", SE(t), paste0("options(survey.lonely.psu='", opt, "'); svytotal(~y, ...)"))
}
res <- do.call(rbind, out)
write.csv(res, "tests/golden/r_estimators_expected.csv", row.names = FALSE)
cat("wrote", nrow(res), "golden values\n")
