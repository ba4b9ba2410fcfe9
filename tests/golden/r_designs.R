# Golden values for minyi's lonely-PSU handling (analysis/design.py) and comparisons
# (analysis/compare.py), produced by R's survey package.
# Run from the repository root:  Rscript tests/golden/r_designs.R
# Reads tests/golden/r_estimators_data.csv (made by r_estimators.R), adds a few derived columns and
# writes them to tests/golden/r_designs_data.csv; writes tests/golden/r_designs_expected.csv
# (one row per value: case, quantity, value, and the R call that produced it). CI does not run R.
suppressMessages(library(survey))
d <- read.csv("tests/golden/r_estimators_data.csv", stringsAsFactors = FALSE)
# two lonely strata: 5 (made of stratum 4's PSU 1) and 6 (stratum 3's PSU 1)
d$st_lonely2 <- ifelse(d$st == 4 & d$psu == 1, 5, ifelse(d$st == 3 & d$psu == 1, 6, d$st))
# fpc for them: stratum 5 is a certainty PSU (population of 1 PSU), stratum 6 has 4 PSUs
d$Npsu_l2 <- ifelse(d$st_lonely2 == 5, 1, ifelse(d$st_lonely2 == 6, 4, d$Npsu))
# unit-level stratified design whose stratum 9 holds a single respondent
d$st_unit_lonely <- d$st
d$st_unit_lonely[1] <- 9
# a second, independent wave: same design, other answers
d$y2 <- d$y + 5 * d$x - 10 * d$b
d$b2 <- as.integer(d$b == 1 | d$x > 4.2)
write.csv(d, "tests/golden/r_designs_data.csv", row.names = FALSE)

out <- list()
add <- function(case, quantity, value, call) {
  out[[length(out) + 1]] <<- data.frame(case = case, quantity = quantity, value = sprintf("%.17g", value), r_call = call)
}
addmsg <- function(case, quantity, msg, call) {
  out[[length(out) + 1]] <<- data.frame(case = case, quantity = quantity, value = msg, r_call = call)
}

# ---------------------------------------------------------------- lonely PSU
lonely_designs <- list(
  L1 = "svydesign(ids=~psu, strata=~st_lonely, weights=~w, nest=TRUE, data=d)",
  L2fpc = "svydesign(ids=~psu, strata=~st_lonely2, weights=~w, fpc=~Npsu_l2, nest=TRUE, data=d)",
  L2 = "svydesign(ids=~psu, strata=~st_lonely2, weights=~w, nest=TRUE, data=d)",
  Lunit = "svydesign(ids=~1, strata=~st_unit_lonely, weights=~wunit, data=d)"
)
for (ld in names(lonely_designs)) {
  dc <- lonely_designs[[ld]]
  des <- eval(parse(text = dc))
  options(survey.lonely.psu = "fail")
  msg <- tryCatch({ SE(svymean(~y, des)); "no error" }, error = function(e) conditionMessage(e))
  addmsg(paste0(ld, "_fail"), "error", msg, paste0("options(survey.lonely.psu='fail'); svymean(~y, ", dc, ")"))
  for (opt in c("certainty", "adjust", "average", "remove")) {
    options(survey.lonely.psu = opt)
    cs <- paste0(ld, "_", opt)
    pre <- paste0("options(survey.lonely.psu='", opt, "'); des <- ", dc, "; ")
    add(cs, "degf", degf(des), paste0(pre, "degf(des)"))
    m <- svymean(~y, des, deff = TRUE)
    add(cs, "mean_y", coef(m), paste0(pre, "svymean(~y, des, deff=TRUE)"))
    add(cs, "mean_y_se", SE(m), paste0(pre, "svymean(~y, des, deff=TRUE)"))
    add(cs, "mean_y_deff", deff(m), paste0(pre, "svymean(~y, des, deff=TRUE)"))
    add(cs, "total_y_se", SE(svytotal(~y, des)), paste0(pre, "svytotal(~y, des)"))
    add(cs, "ratio_yx_se", SE(svyratio(~y, ~x, des)), paste0(pre, "svyratio(~y, ~x, des)"))
    add(cs, "prop_b_se", SE(svymean(~b, des)), paste0(pre, "svymean(~b, des)"))
    p <- svyciprop(~I(b == 1), des, method = "beta")
    add(cs, "prop_b_beta_ci_low", attr(p, "ci")[1], paste0(pre, "svyciprop(~I(b==1), des, method='beta')"))
    add(cs, "prop_b_beta_ci_high", attr(p, "ci")[2], paste0(pre, "svyciprop(~I(b==1), des, method='beta')"))
    ms <- svymean(~y, subset(des, g == "a"))
    add(cs, "dom_a_mean_y_se", SE(ms), paste0(pre, "svymean(~y, subset(des, g=='a'))"))
    by <- svyby(~y, ~g, des, svymean)
    for (i in seq_len(nrow(by))) add(cs, paste0("by_", by$g[i], "_mean_y_se"), SE(by)[i], paste0(pre, "svyby(~y, ~g, des, svymean)"))
  }
}
options(survey.lonely.psu = "fail")
# a domain with no row in the lonely stratum (row 1, g == "a") does not fail
des <- svydesign(ids = ~1, strata = ~st_unit_lonely, weights = ~wunit, data = d)
add("Lunit_fail", "dom_b_mean_y_se", SE(svymean(~y, subset(des, g == "b"))),
    "options(survey.lonely.psu='fail'); svymean(~y, subset(svydesign(ids=~1, strata=~st_unit_lonely, weights=~wunit, data=d), g=='b'))")

# ---------------------------------------------------------------- differences between domains (one design)
designs <- list(
  strat_fpc = "svydesign(ids=~1, strata=~st, weights=~wunit, fpc=~Nunits, data=d)",
  clus1 = "svydesign(ids=~psu_id, weights=~w, data=d)",
  strat_clus = "svydesign(ids=~psu, strata=~st, weights=~w, nest=TRUE, data=d)",
  strat_clus_fpc = "svydesign(ids=~psu, strata=~st, weights=~w, fpc=~Npsu, nest=TRUE, data=d)",
  srs_noweights = "svydesign(ids=~1, data=d)"
)
for (nm in names(designs)) {
  dc <- designs[[nm]]
  des <- suppressWarnings(eval(parse(text = dc)))
  pre <- paste0("des <- ", dc, "; ")
  for (v in c("y", "b")) {
    by <- svyby(as.formula(paste0("~", v)), ~g, des, svymean, covmat = TRUE)
    V <- vcov(by)
    add(nm, paste0("cov_", v, "_a_b"), V[1, 2], paste0(pre, "vcov(svyby(~", v, ", ~g, des, svymean, covmat=TRUE))[1,2]"))
    for (pr in list(c("a", "b"), c("a", "c"), c("b", "c"))) {
      cf <- setNames(as.numeric(c("a", "b", "c") == pr[1]) - as.numeric(c("a", "b", "c") == pr[2]), c("a", "b", "c"))
      ct <- svycontrast(by, cf)
      cl <- paste0(pre, "svycontrast(svyby(~", v, ", ~g, des, svymean, covmat=TRUE), c(", paste(cf, collapse = ","), "))")
      key <- paste0("diff_", v, "_", pr[1], "_", pr[2])
      add(nm, key, coef(ct), cl)
      add(nm, paste0(key, "_se"), SE(ct), cl)
      sub <- subset(des, g %in% pr)
      add(nm, paste0(key, "_degf"), degf(sub), paste0(pre, "degf(subset(des, g %in% c('", pr[1], "','", pr[2], "')))"))
      ci <- confint(ct, df = degf(sub))
      add(nm, paste0(key, "_ci_low"), ci[1], paste0("confint(", cl, ", df=degf(subset(des, g %in% pair)))"))
      add(nm, paste0(key, "_ci_high"), ci[2], paste0("confint(", cl, ", df=degf(subset(des, g %in% pair)))"))
      tt <- svyttest(as.formula(paste0(v, "~I(g=='", pr[2], "')")), sub)
      tc <- paste0(pre, "svyttest(", v, "~I(g=='", pr[2], "'), subset(des, g %in% c('", pr[1], "','", pr[2], "')))")
      add(nm, paste0(key, "_ttest_t"), tt$statistic, tc)
      add(nm, paste0(key, "_ttest_df"), tt$parameter, tc)
      add(nm, paste0(key, "_ttest_p"), tt$p.value, tc)
    }
  }
  # domain ratios and totals by group (svyby)
  br <- svyby(~y, ~g, denominator = ~x, des, svyratio)
  bt <- svyby(~y, ~g, des, svytotal)
  for (i in seq_len(nrow(br))) {
    add(nm, paste0("by_", br$g[i], "_ratio_yx"), coef(br)[i], paste0(pre, "svyby(~y, ~g, denominator=~x, des, svyratio)"))
    add(nm, paste0("by_", br$g[i], "_ratio_yx_se"), SE(br)[i], paste0(pre, "svyby(~y, ~g, denominator=~x, des, svyratio)"))
    add(nm, paste0("by_", bt$g[i], "_total_y"), coef(bt)[i], paste0(pre, "svyby(~y, ~g, des, svytotal)"))
    add(nm, paste0("by_", bt$g[i], "_total_y_se"), SE(bt)[i], paste0(pre, "svyby(~y, ~g, des, svytotal)"))
  }
}

# ---------------------------------------------------------------- two independent waves
# Stacking the waves as separate strata of one design makes them independent samples; the
# contrast of the wave means then has variance se1^2 + se2^2.
wave_designs <- list(
  strat_clus = c("ids=~psuw, strata=~stw, weights=~w", "ids=~psu, strata=~st, weights=~w, nest=TRUE"),
  strat_clus_fpc = c("ids=~psuw, strata=~stw, weights=~w, fpc=~Npsu", "ids=~psu, strata=~st, weights=~w, fpc=~Npsu, nest=TRUE"),
  clus1 = c("ids=~psuw, strata=~wave, weights=~w", "ids=~psu_id, weights=~w")
)
w1 <- d; w1$wave <- 1
w2 <- d; w2$wave <- 2; w2$y <- d$y2; w2$b <- d$b2
dd <- rbind(w1, w2)
dd$stw <- paste0(dd$wave, "-", dd$st)
dd$psuw <- paste0(dd$wave, "-", dd$psu_id)
for (nm in names(wave_designs)) {
  sdes <- eval(parse(text = paste0("svydesign(", wave_designs[[nm]][1], ", data=dd)")))
  scall <- paste0("svydesign(", wave_designs[[nm]][1], ", data=rbind(wave1, wave2))")
  for (v in c("y", "b")) {
    by <- svyby(as.formula(paste0("~", v)), ~wave, sdes, svymean, covmat = TRUE)
    ct <- svycontrast(by, c(-1, 1))
    cl <- paste0("svycontrast(svyby(~", v, ", ~wave, ", scall, ", svymean, covmat=TRUE), c(-1, 1))")
    add(paste0("wave_", nm), paste0("diff_", v), coef(ct), cl)
    add(paste0("wave_", nm), paste0("diff_", v, "_se"), SE(ct), cl)
    add(paste0("wave_", nm), paste0("cov_", v), vcov(by)[1, 2], paste0("vcov(svyby(~", v, ", ~wave, ", scall, ", svymean, covmat=TRUE))[1,2]"))
    for (wv in 1:2) {
      des1 <- eval(parse(text = paste0("svydesign(", wave_designs[[nm]][2], ", data=", c("w1", "w2")[wv], ")")))
      m <- svymean(as.formula(paste0("~", v)), des1)
      c1 <- paste0("svymean(~", v, ", svydesign(", wave_designs[[nm]][2], ", data=wave", wv, "))")
      add(paste0("wave_", nm), paste0("wave", wv, "_", v), coef(m), c1)
      add(paste0("wave_", nm), paste0("wave", wv, "_", v, "_se"), SE(m), c1)
      add(paste0("wave_", nm), paste0("wave", wv, "_degf"), degf(des1), paste0("degf(svydesign(", wave_designs[[nm]][2], ", data=wave", wv, "))"))
    }
  }
}
res <- do.call(rbind, out)
write.csv(res, "tests/golden/r_designs_expected.csv", row.names = FALSE)
cat("wrote", nrow(res), "golden values\n")
