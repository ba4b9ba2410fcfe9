# Golden values for minyi's quantiles (analysis/quantiles.py), produced by R's svyquantile
# (survey >= 4.1: qrule "math" and "hf7", Woodruff intervals with interval.type "mean" (default),
# "xlogit", "asin", "beta"), on api (apistrat, apiclus1, apiclus2) and fpc.
# Run from the repository root:  Rscript tests/golden/r_quantiles.R
# Writes tests/golden/r_quantiles_<data>.csv and tests/golden/r_quantiles_expected.csv. CI does not run R.
suppressMessages(library(survey))
data(api); data(fpc)
options(survey.lonely.psu = "fail")

st <- apistrat[, c("cds", "stype", "api00", "enroll", "meals", "pw", "fpc")]
c1 <- apiclus1[, c("cds", "dnum", "stype", "api00", "enroll", "pw", "fpc")]
c2 <- apiclus2[, c("cds", "dnum", "snum", "api00", "fpc1", "fpc2")]
fp <- fpc
write.csv(st, "tests/golden/r_quantiles_apistrat.csv", row.names = FALSE)
write.csv(c1, "tests/golden/r_quantiles_apiclus1.csv", row.names = FALSE)
write.csv(c2, "tests/golden/r_quantiles_apiclus2.csv", row.names = FALSE)
write.csv(fp, "tests/golden/r_quantiles_fpc.csv", row.names = FALSE)

out <- list()
add <- function(case, quantity, value, call) {
  out[[length(out) + 1]] <<- data.frame(case = case, quantity = quantity, value = sprintf("%.17g", value), r_call = call)
}
qs <- c(0.1, 0.25, 0.5, 0.75, 0.9)
quant <- function(case, var, des, pre, probs = qs, qrule = "math", type = "mean", level = 0.95) {
  f <- as.formula(paste0("~", var))
  q <- svyquantile(f, des, probs, qrule = qrule, interval.type = type, alpha = 1 - level)
  call <- paste0(pre, "svyquantile(~", var, ", des, c(", paste(probs, collapse = ", "), "), qrule='", qrule,
                 "', interval.type='", type, "', alpha=", 1 - level, ")")
  tab <- q[[1]]
  for (i in seq_along(probs)) {
    pq <- paste0("q", probs[i], "|", qrule, "|", type, "|", level)
    add(case, paste0(pq, "|quantile"), tab[i, 1], call)
    add(case, paste0(pq, "|ci_low"), tab[i, 2], call)
    add(case, paste0(pq, "|ci_high"), tab[i, 3], call)
    add(case, paste0(pq, "|se"), tab[i, 4], call)
  }
}

pre <- "des <- svydesign(ids=~1, strata=~stype, weights=~pw, fpc=~fpc, data=st); "
dstrat <- svydesign(ids = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = st)
for (rule in c("math", "hf7")) for (type in c("mean", "xlogit", "asin", "beta")) quant("strat", "api00", dstrat, pre, qrule = rule, type = type)
quant("strat", "api00", dstrat, pre, level = 0.9)
quant("strat_enroll", "enroll", dstrat, pre)
for (g in c("E", "H", "M")) {
  sub <- subset(dstrat, stype == g)
  for (rule in c("math", "hf7")) quant(paste0("strat_", g), "api00", sub, paste0(pre, "des <- subset(des, stype=='", g, "'); "), probs = c(0.25, 0.5), qrule = rule)
}
b <- svyby(~api00, ~stype, dstrat, svyquantile, quantiles = 0.5, ci = TRUE)
for (i in seq_len(nrow(b))) {
  add("strat_by", paste0(b$stype[i], "|quantile"), b$api00[i], paste0(pre, "svyby(~api00, ~stype, des, svyquantile, quantiles=0.5, ci=TRUE)"))
  add("strat_by", paste0(b$stype[i], "|se"), SE(b)[i], paste0(pre, "svyby(~api00, ~stype, des, svyquantile, quantiles=0.5, ci=TRUE)"))
}

pre <- "des <- svydesign(ids=~dnum, weights=~pw, fpc=~fpc, data=c1); "
dclus1 <- svydesign(ids = ~dnum, weights = ~pw, fpc = ~fpc, data = c1)
for (rule in c("math", "hf7")) quant("clus1", "api00", dclus1, pre, qrule = rule)
pre <- "des <- svydesign(ids=~dnum+snum, fpc=~fpc1+fpc2, data=c2); "
dclus2 <- svydesign(ids = ~dnum + snum, fpc = ~fpc1 + fpc2, data = c2)
for (rule in c("math", "hf7")) quant("clus2", "api00", dclus2, pre, probs = c(0.25, 0.5, 0.75), qrule = rule)

pre <- "des <- svydesign(ids=~psuid, strata=~stratid, weights=~weight, fpc=~Nh, data=fp, nest=TRUE); "
dfpc <- svydesign(ids = ~psuid, strata = ~stratid, weights = ~weight, fpc = ~Nh, data = fp, nest = TRUE)
for (rule in c("math", "hf7")) quant("fpc", "x", dfpc, pre, probs = c(0.25, 0.5, 0.75), qrule = rule)

res <- do.call(rbind, out)
write.csv(res, "tests/golden/r_quantiles_expected.csv", row.names = FALSE)
