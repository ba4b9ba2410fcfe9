# Golden values for minyi's design-based GLMs (analysis/glm.py), produced by R's svyglm:
# linear and logistic (quasibinomial) models on a stratified design (apistrat), a two-stage design
# with fpc at both stages (apiclus2), a domain, a post-stratified design, and a "drivers of overall
# satisfaction" data set (tests/golden/r_svyglm_drivers.csv: 5-point items, districts as strata,
# communities as PSUs; made here with a fixed seed) — the model the report's driver analysis fits.
# Run from the repository root:  Rscript tests/golden/r_svyglm.R
# Writes tests/golden/r_svyglm_<data>.csv and tests/golden/r_svyglm_expected.csv. CI does not run R.
suppressMessages(library(survey))
data(api)
options(survey.lonely.psu = "fail")

st <- apistrat[, c("cds", "stype", "snum", "api00", "ell", "meals", "mobility", "sch.wide", "pw", "fpc")]
st$yes <- as.integer(st$sch.wide == "Yes")
st$mobility[c(3, 50, 120)] <- NA   # missing predictor values leave the fit (na.omit)
c2 <- apiclus2[, c("cds", "dnum", "snum", "api00", "ell", "meals", "sch.wide", "fpc1", "fpc2")]
c2$yes <- as.integer(c2$sch.wide == "Yes")

set.seed(20260715)
n <- 600
district <- rep(c("东区", "西区", "南区", "北区"), each = n / 4)
community <- paste0(district, "-", rep(1:10, each = 15, times = 4))
eff <- rnorm(40, 0, 0.4)[as.integer(factor(community))]
items <- sapply(1:4, function(k) pmin(5, pmax(1, round(3.4 + 0.3 * k / 4 + eff + rnorm(n, 0, 0.9)))))
colnames(items) <- paste0("Q", 1:4)
lat <- -0.5 + 0.35 * items[, 1] + 0.2 * items[, 2] + 0.05 * items[, 3] + 0.25 * items[, 4] + eff + rnorm(n, 0, 0.8)
overall <- pmin(5, pmax(1, round(lat)))
drv <- data.frame(id = 1:n, district = district, community = community, items, overall = overall,
                  top2 = as.integer(overall >= 4), w = round(runif(n, 0.5, 2.5), 3), stringsAsFactors = FALSE)
drv$Q3[c(7, 77, 177, 277)] <- NA

write.csv(st, "tests/golden/r_svyglm_apistrat.csv", row.names = FALSE)
write.csv(c2, "tests/golden/r_svyglm_apiclus2.csv", row.names = FALSE)
write.csv(drv, "tests/golden/r_svyglm_drivers.csv", row.names = FALSE, fileEncoding = "UTF-8")

out <- list()
add <- function(case, quantity, value, call) {
  out[[length(out) + 1]] <<- data.frame(case = case, quantity = quantity, value = sprintf("%.17g", value), r_call = call)
}
model <- function(case, formula, des, pre, family = "gaussian") {
  fam <- if (family == "gaussian") gaussian() else quasibinomial()
  m <- svyglm(as.formula(formula), des, family = fam)
  call <- paste0(pre, "m <- svyglm(", formula, ", des, family=", if (family == "gaussian") "gaussian()" else "quasibinomial()", ")")
  s <- summary(m)
  cf <- s$coefficients
  for (i in seq_len(nrow(cf))) {
    term <- rownames(cf)[i]
    add(case, paste0(term, "|estimate"), cf[i, 1], paste0(call, "; coef(summary(m))"))
    add(case, paste0(term, "|se"), cf[i, 2], paste0(call, "; coef(summary(m))"))
    add(case, paste0(term, "|t"), cf[i, 3], paste0(call, "; coef(summary(m))"))
    add(case, paste0(term, "|p"), cf[i, 4], paste0(call, "; coef(summary(m))"))
    ci <- confint(m)
    add(case, paste0(term, "|ci_low"), ci[i, 1], paste0(call, "; confint(m)"))
    add(case, paste0(term, "|ci_high"), ci[i, 2], paste0(call, "; confint(m)"))
  }
  V <- vcov(m)
  if (ncol(V) > 1) add(case, "cov_1_2", V[1, 2], paste0(call, "; vcov(m)[1,2]"))
  add(case, "df_residual", m$df.residual, paste0(call, "; m$df.residual"))
  add(case, "dispersion", s$dispersion, paste0(call, "; summary(m)$dispersion"))
  add(case, "n_coef", nrow(cf), paste0(call, "; length(coef(m))"))
}

pre <- "des <- svydesign(ids=~1, strata=~stype, weights=~pw, fpc=~fpc, data=st); "
dstrat <- svydesign(ids = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = st)
model("strat_linear", "api00 ~ ell + meals + mobility", dstrat, pre)
model("strat_logistic", "yes ~ ell + meals + stype", dstrat, pre, "binomial")
dsub <- subset(dstrat, stype != "H")
model("strat_domain", "api00 ~ ell + meals", dsub, paste0(pre, "des <- subset(des, stype != 'H'); "))
ps <- postStratify(dstrat, ~stype, data.frame(stype = c("E", "H", "M"), Freq = c(4421, 755, 1018)))
model("strat_poststrat_logistic", "yes ~ meals + ell", ps,
      paste0(pre, "des <- postStratify(des, ~stype, data.frame(stype=c('E','H','M'), Freq=c(4421,755,1018))); "),
      "binomial")

pre <- "des <- svydesign(ids=~dnum+snum, fpc=~fpc1+fpc2, data=c2); "
dclus2 <- svydesign(ids = ~dnum + snum, fpc = ~fpc1 + fpc2, data = c2)
model("clus2_linear", "api00 ~ ell + meals", dclus2, pre)
model("clus2_logistic", "yes ~ meals", dclus2, pre, "binomial")

pre <- "des <- svydesign(ids=~community, strata=~district, weights=~w, data=drv); "
ddrv <- svydesign(ids = ~community, strata = ~district, weights = ~w, data = drv)
model("drivers_linear", "overall ~ Q1 + Q2 + Q3 + Q4", ddrv, pre)
model("drivers_logistic", "top2 ~ Q1 + Q2 + Q3 + Q4", ddrv, pre, "binomial")
model("drivers_district", "overall ~ Q1 + Q4 + district", ddrv, pre)

res <- do.call(rbind, out)
write.csv(res, "tests/golden/r_svyglm_expected.csv", row.names = FALSE, fileEncoding = "UTF-8")
