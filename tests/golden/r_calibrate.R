# Golden values for minyi's calibration (analysis/calibration.py, analysis/weighting.py), produced by
# R's calibrate() and postStratify(partial=TRUE) on apiclus1 (one-stage cluster sample) and apistrat:
# linear (GREG) calibration to a categorical and a numeric total, bounded linear, logit and raking
# distance functions, bounds on the weights (bounds.const), trimming of g, and a post-stratification
# whose population table lists a category absent from the sample.
# Run from the repository root:  Rscript tests/golden/r_calibrate.R
# Writes tests/golden/r_calibrate_<data>.csv and tests/golden/r_calibrate_expected.csv. CI does not run R.
suppressMessages(library(survey))
data(api)
options(survey.lonely.psu = "fail")

c1 <- apiclus1[, c("cds", "dnum", "stype", "sch.wide", "api00", "api99", "enroll", "pw", "fpc")]
c1$yes <- as.integer(c1$sch.wide == "Yes")
st <- apistrat[, c("cds", "stype", "sch.wide", "api00", "api99", "pw", "fpc")]
st$yes <- as.integer(st$sch.wide == "Yes")
st$award <- apistrat$awards
write.csv(c1, "tests/golden/r_calibrate_apiclus1.csv", row.names = FALSE)
write.csv(st, "tests/golden/r_calibrate_apistrat.csv", row.names = FALSE)

out <- list()
add <- function(case, quantity, value, call) {
  out[[length(out) + 1]] <<- data.frame(case = case, quantity = quantity, value = sprintf("%.17g", value), r_call = call)
}
summarise <- function(case, des, pre) {
  add(case, "sum_weights", sum(weights(des)), paste0(pre, "sum(weights(des))"))
  for (i in c(1, 50, 120)) add(case, paste0("weight_", i), weights(des)[i], paste0(pre, "weights(des)[", i, "]"))
  m <- svymean(~api00, des)
  add(case, "mean_api00", coef(m), paste0(pre, "svymean(~api00, des)"))
  add(case, "mean_api00_se", SE(m), paste0(pre, "svymean(~api00, des)"))
  t <- svytotal(~api99, des)
  add(case, "total_api99", coef(t), paste0(pre, "svytotal(~api99, des)"))
  add(case, "total_api99_se", SE(t), paste0(pre, "svytotal(~api99, des)"))
  r <- svyratio(~api00, ~api99, des)
  add(case, "ratio_se", SE(r), paste0(pre, "svyratio(~api00, ~api99, des)"))
  p <- svyciprop(~I(yes == 1), des, method = "logit")
  add(case, "prop_yes", coef(p), paste0(pre, "svyciprop(~I(yes==1), des, method='logit')"))
  add(case, "prop_yes_se", SE(p), paste0(pre, "svyciprop(~I(yes==1), des, method='logit')"))
  add(case, "prop_yes_ci_low", attr(p, "ci")[1], paste0(pre, "svyciprop(~I(yes==1), des, method='logit')"))
  add(case, "prop_yes_ci_high", attr(p, "ci")[2], paste0(pre, "svyciprop(~I(yes==1), des, method='logit')"))
  b <- svyby(~api00, ~sch.wide, des, svymean)
  for (i in seq_len(nrow(b))) add(case, paste0("by_", b$sch.wide[i], "_se"), SE(b)[i], paste0(pre, "svyby(~api00, ~sch.wide, des, svymean)"))
}

pre0 <- "dclus1 <- svydesign(ids=~dnum, weights=~pw, fpc=~fpc, data=c1); "
dclus1 <- svydesign(ids = ~dnum, weights = ~pw, fpc = ~fpc, data = c1)
pop <- c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018)
pop3 <- c(pop, api99 = 3914069)
cases <- list(
  greg_stype = "calibrate(dclus1, ~stype, pop)",
  greg_stype_api99 = "calibrate(dclus1, ~stype + api99, pop3)",
  bounded = "calibrate(dclus1, ~stype + api99, pop3, bounds = c(0.6, 1.6))",
  logit = "calibrate(dclus1, ~stype + api99, pop3, calfun = 'logit', bounds = c(0.7, 1.7))",
  raking = "calibrate(dclus1, ~stype + api99, pop3, calfun = 'raking')",
  bounds_const = "calibrate(dclus1, ~stype + api99, pop3, bounds = c(20, 60), bounds.const = TRUE)",
  trimmed = "calibrate(dclus1, ~stype + api99, pop3, bounds = c(0.3, 3), trim = c(0.6, 1.7), force = TRUE)"
)
for (cs in names(cases)) {
  des <- suppressMessages(eval(parse(text = cases[[cs]])))
  pre <- paste0(pre0, "pop <- c(`(Intercept)`=6194, stypeH=755, stypeM=1018); pop3 <- c(pop, api99=3914069); des <- ",
                cases[[cs]], "; ")
  summarise(cs, des, pre)
}

# post-stratification, partial = TRUE: stratum "X" of the population table has no sample rows
pre_st <- "dstrat <- svydesign(ids=~1, strata=~stype, weights=~pw, fpc=~fpc, data=st); "
dstrat <- svydesign(ids = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = st)
popaw <- data.frame(award = c("No", "Yes", "X"), Freq = c(2300, 3800, 94))
ps <- suppressWarnings(postStratify(dstrat, ~award, popaw, partial = TRUE))
summarise("poststrat_partial", ps, paste0(pre_st, "des <- postStratify(dstrat, ~award, data.frame(award=c('No','Yes','X'), ",
                                          "Freq=c(2300, 3800, 94)), partial=TRUE); "))

res <- do.call(rbind, out)
write.csv(res, "tests/golden/r_calibrate_expected.csv", row.names = FALSE)
