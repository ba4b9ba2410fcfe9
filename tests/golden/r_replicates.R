# Golden values for minyi's replicate-weight designs (analysis/replicates.py), produced by R's
# svrepdesign() and as.svrepdesign(): R's own BRR example (scd), JK1 (apiclus1 with fpc), JKn
# (apistrat), BRR and Fay on paired PSUs (apiclus1: 7 strata → Sylvester 8; apiclus2: 20 strata →
# Paley 24), bootstrap (random: the replicate weights are exported and read back with svrepdesign),
# mse=TRUE, and every estimator on them (mean, total, ratio, svyciprop, svyby domains, quantile,
# svyglm, degf).
# Run from the repository root:  Rscript tests/golden/r_replicates.R
# Writes tests/golden/r_replicates_<data>.csv and tests/golden/r_replicates_expected.csv. CI does not run R.
suppressMessages(library(survey))
data(scd); data(api)
options(survey.lonely.psu = "fail")

scd2 <- scd
scd2$rep1 <- c(1, 0, 1, 0, 1, 0); scd2$rep2 <- c(1, 0, 0, 1, 0, 1)
scd2$rep3 <- c(0, 1, 1, 0, 0, 1); scd2$rep4 <- c(0, 1, 0, 1, 1, 0)
c1 <- apiclus1[, c("cds", "dnum", "stype", "sch.wide", "api00", "api99", "enroll", "ell", "meals", "pw", "fpc")]
c1$yes <- as.integer(c1$sch.wide == "Yes")
st <- apistrat[, c("cds", "stype", "sch.wide", "api00", "api99", "ell", "meals", "pw", "fpc")]
st$yes <- as.integer(st$sch.wide == "Yes")
# paired PSUs for BRR: apiclus1's first 14 districts in 7 pairs; apiclus2's 40 districts in 20 pairs
d14 <- sort(unique(c1$dnum))[1:14]
p1 <- c1[c1$dnum %in% d14, ]
p1$pair <- paste0("s", match(p1$dnum, d14) %/% 2 + match(p1$dnum, d14) %% 2)
c2 <- apiclus2[, c("cds", "dnum", "snum", "stype", "sch.wide", "api00", "api99", "ell", "meals", "pw")]
c2$yes <- as.integer(c2$sch.wide == "Yes")
d40 <- sort(unique(c2$dnum))
c2$pair <- sprintf("p%02d", (match(c2$dnum, d40) + 1) %/% 2)

out <- list()
add <- function(case, quantity, value, call) {
  out[[length(out) + 1]] <<- data.frame(case = case, quantity = quantity, value = sprintf("%.17g", value), r_call = call)
}
estimates <- function(case, des, pre, y, r, b, by = NULL, glm = NULL, q = TRUE) {
  f <- function(s) as.formula(paste0("~", s))
  add(case, "degf", degf(des), paste0(pre, "degf(des)"))
  add(case, "scale", des$scale, paste0(pre, "des$scale"))
  add(case, "n_replicates", ncol(weights(des, "analysis")), paste0(pre, "ncol(weights(des, 'analysis'))"))
  m <- svymean(f(y), des)
  add(case, "mean", coef(m), paste0(pre, "svymean(~", y, ", des)"))
  add(case, "mean_se", SE(m), paste0(pre, "svymean(~", y, ", des)"))
  ci <- confint(m, df = degf(des))
  add(case, "mean_ci_low", ci[1], paste0(pre, "confint(svymean(~", y, ", des), df=degf(des))"))
  add(case, "mean_ci_high", ci[2], paste0(pre, "confint(svymean(~", y, ", des), df=degf(des))"))
  t <- svytotal(f(y), des)
  add(case, "total", coef(t), paste0(pre, "svytotal(~", y, ", des)"))
  add(case, "total_se", SE(t), paste0(pre, "svytotal(~", y, ", des)"))
  ra <- svyratio(f(y), f(r), des)
  add(case, "ratio", coef(ra), paste0(pre, "svyratio(~", y, ", ~", r, ", des)"))
  add(case, "ratio_se", SE(ra), paste0(pre, "svyratio(~", y, ", ~", r, ", des)"))
  if (!is.null(b)) {
    for (meth in c("logit", "beta", "asin")) {
      p <- eval(parse(text = paste0("svyciprop(~I(", b, "==1), des, method='", meth, "')")))
      call <- paste0(pre, "svyciprop(~I(", b, "==1), des, method='", meth, "')")
      add(case, paste0("prop_", meth), coef(p), call)
      add(case, paste0("prop_", meth, "_se"), SE(p), call)
      add(case, paste0("prop_", meth, "_ci_low"), attr(p, "ci")[1], call)
      add(case, paste0("prop_", meth, "_ci_high"), attr(p, "ci")[2], call)
    }
  }
  if (!is.null(by)) {
    bb <- svyby(f(y), f(by), des, svymean, covmat = TRUE)
    for (i in seq_len(nrow(bb))) {
      add(case, paste0("by_", bb[[by]][i], "_mean"), coef(bb)[i], paste0(pre, "svyby(~", y, ", ~", by, ", des, svymean)"))
      add(case, paste0("by_", bb[[by]][i], "_se"), SE(bb)[i], paste0(pre, "svyby(~", y, ", ~", by, ", des, svymean)"))
    }
    add(case, "by_cov_1_2", vcov(bb)[1, 2], paste0(pre, "vcov(svyby(~", y, ", ~", by, ", des, svymean, covmat=TRUE))[1,2]"))
    g1 <- as.character(bb[[by]][1])
    sub <- eval(parse(text = paste0("subset(des, ", by, " == '", g1, "')")))
    add(case, "sub_degf", degf(sub), paste0(pre, "degf(subset(des, ", by, "=='", g1, "'))"))
  }
  if (q) {
    qq <- svyquantile(f(y), des, c(0.25, 0.5))[[1]]
    for (i in 1:2) {
      add(case, paste0("q", c(0.25, 0.5)[i]), qq[i, 1], paste0(pre, "svyquantile(~", y, ", des, c(0.25, 0.5))"))
      add(case, paste0("q", c(0.25, 0.5)[i], "_se"), qq[i, 4], paste0(pre, "svyquantile(~", y, ", des, c(0.25, 0.5))"))
      add(case, paste0("q", c(0.25, 0.5)[i], "_ci_low"), qq[i, 2], paste0(pre, "svyquantile(~", y, ", des, c(0.25, 0.5))"))
      add(case, paste0("q", c(0.25, 0.5)[i], "_ci_high"), qq[i, 3], paste0(pre, "svyquantile(~", y, ", des, c(0.25, 0.5))"))
    }
  }
  if (!is.null(glm)) {
    mod <- svyglm(as.formula(glm), des)
    cf <- coef(summary(mod))
    for (i in seq_len(nrow(cf))) {
      add(case, paste0("glm|", rownames(cf)[i], "|estimate"), cf[i, 1], paste0(pre, "svyglm(", glm, ", des)"))
      add(case, paste0("glm|", rownames(cf)[i], "|se"), cf[i, 2], paste0(pre, "svyglm(", glm, ", des)"))
      add(case, paste0("glm|", rownames(cf)[i], "|p"), cf[i, 4], paste0(pre, "svyglm(", glm, ", des)"))
    }
    add(case, "glm_df_residual", mod$df.residual, paste0(pre, "svyglm(", glm, ", des)$df.residual"))
  }
}

# R's own example: scd with BRR replicate weights (not combined)
pre <- "des <- svrepdesign(data=scd2, type='BRR', repweights=2*cbind(rep1, rep2, rep3, rep4), combined.weights=FALSE); "
des <- svrepdesign(data = scd2, type = "BRR", repweights = 2 * scd2[, c("rep1", "rep2", "rep3", "rep4")], combined.weights = FALSE)
estimates("scd_brr", des, pre, "alive", "arrests", NULL, q = FALSE)
des <- svrepdesign(data = scd2, type = "BRR", repweights = 2 * scd2[, c("rep1", "rep2", "rep3", "rep4")], combined.weights = FALSE, mse = TRUE)
estimates("scd_brr_mse", des, sub("combined.weights=FALSE", "combined.weights=FALSE, mse=TRUE", pre), "alive", "arrests", NULL, q = FALSE)

pre0 <- "dclus1 <- svydesign(ids=~dnum, weights=~pw, fpc=~fpc, data=c1); "
dclus1 <- svydesign(ids = ~dnum, weights = ~pw, fpc = ~fpc, data = c1)
rj1 <- as.svrepdesign(dclus1)
estimates("jk1", rj1, paste0(pre0, "des <- as.svrepdesign(dclus1); "), "api00", "api99", "yes", "stype", "api00 ~ ell + meals")

dstrat <- svydesign(ids = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = st)
rjn <- as.svrepdesign(dstrat)
estimates("jkn", rjn, "dstrat <- svydesign(ids=~1, strata=~stype, weights=~pw, fpc=~fpc, data=st); des <- as.svrepdesign(dstrat); ",
          "api00", "api99", "yes", "sch.wide", "api00 ~ ell + meals")

dp1 <- svydesign(ids = ~dnum, strata = ~pair, weights = ~pw, data = p1)
pre <- "dp1 <- svydesign(ids=~dnum, strata=~pair, weights=~pw, data=p1); "
estimates("brr7", as.svrepdesign(dp1, type = "BRR"), paste0(pre, "des <- as.svrepdesign(dp1, type='BRR'); "), "api00", "api99", "yes", "stype")
estimates("fay7", as.svrepdesign(dp1, type = "Fay", fay.rho = 0.3), paste0(pre, "des <- as.svrepdesign(dp1, type='Fay', fay.rho=0.3); "),
          "api00", "api99", "yes", NULL)
dp2 <- svydesign(ids = ~dnum, strata = ~pair, weights = ~pw, data = c2)
pre <- "dp2 <- svydesign(ids=~dnum, strata=~pair, weights=~pw, data=c2); "
estimates("brr20", as.svrepdesign(dp2, type = "BRR"), paste0(pre, "des <- as.svrepdesign(dp2, type='BRR'); "), "api00", "api99", "yes", "stype",
          "api00 ~ ell + meals")

# bootstrap: random replicates, exported (analysis weights) and read back as svrepdesign
set.seed(42)
rb <- as.svrepdesign(dclus1, type = "bootstrap", replicates = 40)
bw <- weights(rb, "analysis")
colnames(bw) <- sprintf("bw%02d", seq_len(ncol(bw)))
c1b <- cbind(c1, bw)
write.csv(c1b, "tests/golden/r_replicates_apiclus1.csv", row.names = FALSE)
add("boot", "scale_from_as_svrepdesign", rb$scale, "set.seed(42); as.svrepdesign(dclus1, type='bootstrap', replicates=40)$scale")
pre <- paste0("des <- svrepdesign(data=c1b, repweights='bw[0-9]+', weights=~pw, type='bootstrap', combined.weights=TRUE, scale=",
              sprintf("%.17g", rb$scale), "); ")
des <- svrepdesign(data = c1b, repweights = "bw[0-9]+", weights = ~pw, type = "bootstrap", combined.weights = TRUE, scale = rb$scale)
estimates("boot", des, pre, "api00", "api99", "yes", "stype", "api00 ~ ell + meals")
des <- svrepdesign(data = c1b, repweights = "bw[0-9]+", weights = ~pw, type = "other", combined.weights = TRUE, scale = 0.05, rscales = 0.5)
estimates("other", des, "des <- svrepdesign(data=c1b, repweights='bw[0-9]+', weights=~pw, type='other', combined.weights=TRUE, scale=0.05, rscales=0.5); ",
          "api00", "api99", NULL, NULL, q = FALSE)

write.csv(scd2, "tests/golden/r_replicates_scd.csv", row.names = FALSE)
write.csv(st, "tests/golden/r_replicates_apistrat.csv", row.names = FALSE)
write.csv(p1, "tests/golden/r_replicates_pairs7.csv", row.names = FALSE)
write.csv(c2, "tests/golden/r_replicates_apiclus2.csv", row.names = FALSE)
res <- do.call(rbind, out)
write.csv(res, "tests/golden/r_replicates_expected.csv", row.names = FALSE)

# R's Hadamard matrices for BRR (brrweights): one row per matrix, its 0/1 entries row by row
had <- do.call(rbind, lapply(c(1, 3, 7, 8, 10, 15, 20, 40, 45), function(n) {
  H <- hadamard(n)
  data.frame(n = n, size = nrow(H), entries = paste(t(H), collapse = ""))
}))
write.csv(had, "tests/golden/r_replicates_hadamard.csv", row.names = FALSE)
