# Golden values from the differential test of random designs against R (tests/test_differential_r_golden.py),
# survey 4.1.1. Two designs where minyi differed from R:
# * a cluster design whose domains lie in one PSU (df 0) or two (df 1): svyciprop(method='likelihood')
#   stops at df 0 ("zero or negative denominator df") and gives NA at df 1; minyi crashed at both;
# * a certainty stratum makes the median's Woodruff SE 0: R's interval is [q, q] (its share F = C_k/W
#   hits the math rule's tie exactly); minyi gave [x_(k+1), x_(k+1)] around x_(k).
# Run from the repository root:  Rscript tests/golden/r_differential.R
# Writes tests/golden/r_differential_lik.csv, r_differential_quant.csv, r_differential_expected.csv.
suppressMessages(library(survey))
out <- list()
add <- function(case, quantity, value, call) {
  out[[length(out) + 1]] <<- data.frame(case = case, quantity = quantity, value = sprintf("%.17g", value), r_call = call)
}
lik <- data.frame(psu = c(1, 1, 1, 2, 2, 3, 3, 4, 4), w = c(3.1, 2.2, 4.4, 3.127, 0.9, 3.917, 1.5, 2, 2.5),
                  q = c(1, 1, 0, 1, 0, 0, 1, 0, 1), d = c("a", "a", "a", "b", "c", "b", "c", "c", "c"))
write.csv(lik, "tests/golden/r_differential_lik.csv", row.names = FALSE)
des <- svydesign(ids = ~psu, weights = ~w, data = lik)
for (lv in c("a", "b", "c")) {
  dd <- subset(des, d == lv)
  call <- paste0("des <- svydesign(ids=~psu, weights=~w, data=lik); dd <- subset(des, d=='", lv,
                 "'); svyciprop(~q, dd, method='likelihood', df=degf(dd))")
  add("lik", paste0(lv, "|degf"), degf(dd), call)
  p <- tryCatch(svyciprop(~q, dd, method = "likelihood", df = degf(dd)), error = function(e) NULL)
  if (is.null(p)) { add("lik", paste0(lv, "|error"), 1, call); next }
  add("lik", paste0(lv, "|estimate"), coef(p), call)
  add("lik", paste0(lv, "|ci_low"), attr(p, "ci")[1], call)
  add("lik", paste0(lv, "|ci_high"), attr(p, "ci")[2], call)
}
# the logit (df 1: R's level conversion rounds to 1) and arcsine (crossing 100 %) intervals of the same domains
for (lv in c("b", "c")) for (m in c("logit", "asin")) {
  dd <- subset(des, d == lv)
  call <- paste0("des <- svydesign(ids=~psu, weights=~w, data=lik); dd <- subset(des, d=='", lv,
                 "'); svyciprop(~q, dd, method='", m, "', df=degf(dd))")
  p <- svyciprop(~q, dd, method = m, df = degf(dd))
  add(m, paste0(lv, "|ci_low"), attr(p, "ci")[1], call)
  add(m, paste0(lv, "|ci_high"), attr(p, "ci")[2], call)
}
# a cross-tab whose column category 'x' has only a row of weight 0 (seed 86): R's svychisq gives NaN; with
# that category set to NA it gives the test minyi reports
xt <- data.frame(psu = c(1, 1, 1, 1, 2, 3, 4, 5, 5, 5, 5, 6, 7, 7),
                 w = c(2.526, 4.865, 5.777, 1.224, 0, 2.382, 1.307, 2.009, 2.383, 2.605, 5.774, 3.925, 5.27, 4.636),
                 g1 = c("f", "m", "m", "m", "m", "f", "m", "m", "f", "m", "f", "m", "m", "m"),
                 g2 = c("y", "o", "o", "o", "x", "o", "y", "y", "y", "o", "y", "y", "o", "y"))
write.csv(xt, "tests/golden/r_differential_xtab.csv", row.names = FALSE)
des <- svydesign(ids = ~psu, weights = ~w, data = xt)
t <- svychisq(~g1 + g2, des)
add("xtab", "as_is|F", t$statistic, "des <- svydesign(ids=~psu, weights=~w, data=xt); svychisq(~g1+g2, des)")
xt$g2[xt$g2 == "x"] <- NA
des <- svydesign(ids = ~psu, weights = ~w, data = xt)
call <- "xt$g2[xt$g2 == 'x'] <- NA; des <- svydesign(ids=~psu, weights=~w, data=xt); svychisq(~g1+g2, des)"
t <- svychisq(~g1 + g2, des)
add("xtab", "na|F", t$statistic, call); add("xtab", "na|df1", t$parameter[1], call)
add("xtab", "na|df2", t$parameter[2], call); add("xtab", "na|p", t$p.value, call)
# a design with no degrees of freedom (seed 34: 2 strata, 1 PSU each, survey.lonely.psu "average"):
# svychisq's F is Inf and its first-order p 0 — noise; minyi gives no test and says why
z0 <- data.frame(h = c('s0', 's0', 's0', 's0', 's1'), psu = c(1, 1, 1, 1, 2), N = c(1.0, 1.0, 1.0, 1.0, 0.2), w = c(5.448, 3.365, 5.803, 5.512, 4.228), g1 = c('f', 'f', 'f', 'm', 'm'), g2 = c('y', 'o', 'y', 'y', 'y'))
write.csv(z0, "tests/golden/r_differential_df0.csv", row.names = FALSE)
options(survey.lonely.psu = "average")
des <- svydesign(ids = ~psu, strata = ~h, weights = ~w, fpc = ~N, data = z0, nest = TRUE)
call <- "options(survey.lonely.psu='average'); des <- svydesign(ids=~psu, strata=~h, weights=~w, fpc=~N, data=z0, nest=TRUE); "
add("df0", "degf", degf(des), paste0(call, "degf(des)"))
add("df0", "F", svychisq(~g1 + g2, des)$statistic, paste0(call, "svychisq(~g1+g2, des)"))
t <- svychisq(~g1 + g2, des, statistic = "Chisq")
add("df0", "chisq", t$statistic, paste0(call, "svychisq(~g1+g2, des, statistic='Chisq')"))
add("df0", "chisq_p", t$p.value, paste0(call, "svychisq(~g1+g2, des, statistic='Chisq')"))
options(survey.lonely.psu = "fail")
# deff on a JKn replicate design with rows of weight 0: svymean.svyrep.design counts them in the SRS variance's
# n (length(pweights)); svymean on the linearization design does not (sum(weights != 0)), nor does minyi
rz <- data.frame(h = rep(c("A", "B"), c(7, 6)), psu = c(1, 1, 2, 2, 3, 3, 3, 4, 4, 5, 5, 6, 6),
                 w = c(2, 0, 3.5, 1.2, 2.2, 0, 4, 1.5, 2.5, 0, 3, 1.1, 2.8),
                 y = c(4.1, 9.9, 6.3, 2.2, 7.7, 1.5, 5.0, 8.4, 3.3, 6.6, 2.9, 7.1, 4.8))
write.csv(rz, "tests/golden/r_differential_repzero.csv", row.names = FALSE)
lin <- svydesign(ids = ~psu, strata = ~h, weights = ~w, data = rz)
rep <- as.svrepdesign(lin, type = "JKn")
call <- "lin <- svydesign(ids=~psu, strata=~h, weights=~w, data=rz); rep <- as.svrepdesign(lin, type='JKn'); "
m <- svymean(~y, rep, deff = TRUE)
add("repzero", "rep|mean", coef(m), paste0(call, "svymean(~y, rep, deff=TRUE)"))
add("repzero", "rep|se", SE(m), paste0(call, "svymean(~y, rep, deff=TRUE)"))
add("repzero", "rep|deff", deff(m), paste0(call, "svymean(~y, rep, deff=TRUE)"))
vsrs <- svyvar(~y, lin) / sum(weights(lin) != 0) * (sum(weights(lin)) - sum(weights(lin) != 0)) / sum(weights(lin))
add("repzero", "rep|deff_nonzero_n", SE(m)^2 / vsrs,
    paste0(call, "m <- svymean(~y, rep); vsrs <- svyvar(~y, lin)/sum(weights(lin) != 0)*(sum(weights(lin)) - sum(weights(lin) != 0))/sum(weights(lin)); SE(m)^2/vsrs"))
# a Wald test with fewer PSUs than the table's df (seed 202, survey.lonely.psu "average"): R computes the
# inverse and gives noise (a statistic of about -7e14, p = 1); minyi gives no test
wd <- data.frame(h = c('s0', 's0', 's0', 's0', 's0', 's0', 's0', 's1', 's1'), psu = c(1, 1, 2, 2, 2, 2, 2, 1, 1), N = c(0.3333333333333333, 0.3333333333333333, 0.3333333333333333, 0.3333333333333333, 0.3333333333333333, 0.3333333333333333, 0.3333333333333333, 0.3333333333333333, 0.3333333333333333), w = c(5.102, 1.668, 5.53, 0.0, 4.78, 3.386, 2.419, 0.0, 3.172), g1 = c('f', 'm', 'm', 'm', 'f', 'm', 'm', 'm', 'f'), g2 = c('y', 'x', 'o', 'o', 'y', 'x', 'x', 'o', 'y'))
write.csv(wd, "tests/golden/r_differential_wald.csv", row.names = FALSE)
options(survey.lonely.psu = "average")
des <- svydesign(ids = ~psu, strata = ~h, weights = ~w, fpc = ~N, data = wd, nest = TRUE)
t <- svychisq(~g1 + g2, des, statistic = "Wald")
call <- "options(survey.lonely.psu='average'); des <- svydesign(ids=~psu, strata=~h, weights=~w, fpc=~N, data=wd, nest=TRUE); svychisq(~g1+g2, des, statistic='Wald')"
add("wald", "stat", t$statistic, call); add("wald", "p", t$p.value, call)
options(survey.lonely.psu = "fail")
# raking a design with rows of weight 0 (seed 6): R's SE is NaN (0/0 in the residuals of the raking steps after
# the first), while postStratify of the same design gives a number; minyi's raked SE is finite
rkz <- data.frame(h = c('s0', 's0', 's0', 's0', 's0', 's0', 's0', 's1', 's1', 's1', 's1', 's1', 's1', 's1', 's2', 's2', 's2', 's2', 's2', 's2', 's2', 's2', 's2', 's2', 's2', 's2', 's2'), psu = c(1, 1, 1, 1, 2, 2, 2, 1, 1, 1, 1, 2, 2, 2, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3), N = c(0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.6666666666666666, 0.6666666666666666, 0.6666666666666666, 0.6666666666666666, 0.6666666666666666, 0.6666666666666666, 0.6666666666666666, 0.75, 0.75, 0.75, 0.75, 0.75, 0.75, 0.75, 0.75, 0.75, 0.75, 0.75, 0.75, 0.75), w = c(0.785, 5.176, 0.549, 5.883, 0.0, 4.819, 0.764, 1.641, 0.0, 2.879, 3.951, 1.173, 0.0, 3.235, 4.677, 3.469, 1.088, 5.264, 1.268, 0.0, 3.728, 2.255, 2.799, 5.378, 2.998, 3.466, 5.838), x = c(3.25, 7.56, 1.11, 4.46, 3.14, 1.36, 3.34, 9.27, 3.72, 2.05, 7.0, 7.95, 4.1, 9.31, 7.27, 5.84, 9.07, 8.28, 6.44, 3.26, 5.7, 6.59, 9.07, 9.45, 1.55, 5.74, 9.43), g1 = c('f', 'f', 'f', 'm', 'f', 'm', 'm', 'f', 'f', 'f', 'f', 'f', 'f', 'm', 'm', 'm', 'f', 'f', 'm', 'f', 'f', 'f', 'f', 'f', 'm', 'f', 'f'), g2 = c('o', 'y', 'y', 'y', 'x', 'o', 'y', 'x', 'x', 'y', 'o', 'y', 'y', 'y', 'o', 'y', 'o', 'x', 'y', 'o', 'y', 'y', 'o', 'o', 'o', 'o', 'y'))
write.csv(rkz, "tests/golden/r_differential_rakezero.csv", row.names = FALSE)
m1 <- data.frame(g1 = c("f", "m"), Freq = c(356.0, 54.2))
m2 <- data.frame(g2 = c("o", "x", "y"), Freq = c(141.8488811188811, 126.64566433566432, 141.70545454545453))
write.csv(m1, "tests/golden/r_differential_rakezero_g1.csv", row.names = FALSE)
write.csv(m2, "tests/golden/r_differential_rakezero_g2.csv", row.names = FALSE)
des <- svydesign(ids = ~psu, strata = ~h, weights = ~w, fpc = ~N, data = rkz, nest = TRUE)
call <- "des <- svydesign(ids=~psu, strata=~h, weights=~w, fpc=~N, data=rkz, nest=TRUE); "
rk <- rake(des, list(~g1, ~g2), list(m1, m2))
t <- svytotal(~x, rk)
add("rakezero", "rake|total", coef(t), paste0(call, "svytotal(~x, rake(des, list(~g1, ~g2), list(m1, m2)))"))
add("rakezero", "rake|se", SE(t), paste0(call, "svytotal(~x, rake(des, list(~g1, ~g2), list(m1, m2)))"))
t <- svytotal(~x, postStratify(des, ~g1, m1))
add("rakezero", "ps|total", coef(t), paste0(call, "svytotal(~x, postStratify(des, ~g1, m1))"))
add("rakezero", "ps|se", SE(t), paste0(call, "svytotal(~x, postStratify(des, ~g1, m1))"))
# a design drawn by the differential test (seed 126): strata with one PSU taken as certainty; Woodruff SE 0
qd <- data.frame(h = c('s0', 's0', 's0', 's0', 's0', 's0', 's1', 's1', 's1', 's1', 's1', 's1', 's1', 's1'), psu = c(1, 1, 1, 1, 1, 1, 2, 3, 4, 5, 5, 5, 5, 5), N = c(1, 1, 1, 1, 1, 1, 4, 4, 4, 4, 4, 4, 4, 4), w = c(5.672, 3.418, 1.19, 4.788, 1.064, 1.072, 3.143, 1.485, 2.099, 1.135, 4.487, 3.112, 4.397, 2.33), y = c(6.04, NA, 11.84, 10.63, 3.66, 8.98, 21.33, 7.61, 5.02, 5.62, 9.55, 20.13, 0.72, 0.21))
write.csv(qd, "tests/golden/r_differential_quant.csv", row.names = FALSE)
options(survey.lonely.psu = "certainty")
des <- subset(svydesign(ids = ~psu, strata = ~h, weights = ~w, fpc = ~N, data = qd, nest = TRUE), !is.na(y))
call <- "options(survey.lonely.psu='certainty'); des <- subset(svydesign(ids=~psu, strata=~h, weights=~w, fpc=~N, data=qd, nest=TRUE), !is.na(y)); svyquantile(~y, des, 0.5, ci=TRUE)"
qq <- svyquantile(~y, des, 0.5, ci = TRUE)[[1]]
add("quant", "median", qq[1, 1], call); add("quant", "ci_low", qq[1, 2], call)
add("quant", "ci_high", qq[1, 3], call); add("quant", "se", qq[1, 4], call)
# the share of y <= 7.61 on that design has SE 0: Korn–Graubard's n_eff = p(1 - p)/0 is Inf and R's interval
# is [0.5, 0.5] whatever p is; minyi takes n_eff = n there (documented)
des$variables$low <- as.numeric(des$variables$y <= 7.61)
p <- svyciprop(~low, des, method = "beta")
call <- paste0(sub("svyquantile.*$", "", call), "des$variables$low <- as.numeric(des$variables$y <= 7.61); svyciprop(~low, des, method='beta')")
add("kg_se0", "estimate", coef(p), call); add("kg_se0", "se", SE(p), call)
add("kg_se0", "ci_low", attr(p, "ci")[1], call); add("kg_se0", "ci_high", attr(p, "ci")[2], call)
write.csv(do.call(rbind, out), "tests/golden/r_differential_expected.csv", row.names = FALSE)
