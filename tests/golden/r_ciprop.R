# Golden values for minyi's proportion intervals (analysis/ci.py) where R's svyciprop counts rows or
# transforms: Korn–Graubard ("beta") with zero-weight rows and on a domain of a post-stratified
# design (nrow(design) counts every row R's design object holds), and the "asin", "xlogit",
# "likelihood" and "mean" methods, on R's api data (apisrs, apiclus1).
# Run from the repository root:  Rscript tests/golden/r_ciprop.R
# Writes tests/golden/r_ciprop_apisrs40.csv, tests/golden/r_ciprop_apiclus1.csv and
# tests/golden/r_ciprop_expected.csv (case, quantity, value, R call). CI does not run R.
suppressMessages(library(survey))
data(api)
options(survey.lonely.psu = "fail")

s40 <- apisrs[1:40, c("cds", "stype", "sch.wide", "api00", "pw")]
s40$yes <- as.integer(s40$sch.wide == "Yes")
s40$w0 <- s40$pw
s40$w0[round(seq(1, 40, length.out = 15))] <- 0   # 15 zero weights out of 40
c1 <- apiclus1[, c("cds", "dnum", "stype", "sch.wide", "awards", "api00", "pw", "fpc")]
c1$yes <- as.integer(c1$sch.wide == "Yes")
c1$award <- as.integer(c1$awards == "Yes")
c1$none <- 0L
write.csv(s40, "tests/golden/r_ciprop_apisrs40.csv", row.names = FALSE)
write.csv(c1, "tests/golden/r_ciprop_apiclus1.csv", row.names = FALSE)

out <- list()
add <- function(case, quantity, value, call) {
  out[[length(out) + 1]] <<- data.frame(case = case, quantity = quantity, value = sprintf("%.17g", value), r_call = call)
}
ciprop <- function(case, expr, des, method, pre) {
  p <- svyciprop(expr, des, method = method)
  call <- paste0(pre, "svyciprop(", deparse(expr), ", des, method='", method, "')")
  add(case, paste0(method, "_estimate"), coef(p), call)
  add(case, paste0(method, "_ci_low"), attr(p, "ci")[1], call)
  add(case, paste0(method, "_ci_high"), attr(p, "ci")[2], call)
  add(case, paste0(method, "_se"), SE(p), call)
}

# ---- Korn–Graubard with 15 zero weights of 40: nrow(design) = 40
pre <- "des <- svydesign(ids=~1, weights=~w0, data=s40); "
des <- svydesign(ids = ~1, weights = ~w0, data = s40)
add("zero_weights", "nrow", nrow(des), paste0(pre, "nrow(des)"))
add("zero_weights", "degf", degf(des), paste0(pre, "degf(des)"))
for (m in c("beta", "logit", "asin", "likelihood", "xlogit", "mean")) ciprop("zero_weights", ~I(yes == 1), des, m, pre)

# ---- a domain of a post-stratified cluster design: R's subset keeps every row (nrow = 183)
pop <- data.frame(stype = c("E", "H", "M"), Freq = c(4421, 755, 1018))
pre_ps <- "dclus1 <- svydesign(ids=~dnum, weights=~pw, fpc=~fpc, data=c1); ps <- postStratify(dclus1, ~stype, pop); "
dclus1 <- svydesign(ids = ~dnum, weights = ~pw, fpc = ~fpc, data = c1)
ps <- postStratify(dclus1, ~stype, pop)
for (g in c("E", "H", "M")) {
  sub <- subset(ps, stype == g)
  pre <- paste0(pre_ps, "des <- subset(ps, stype=='", g, "'); ")
  add(paste0("poststrat_", g), "nrow", nrow(sub), paste0(pre, "nrow(des)"))
  add(paste0("poststrat_", g), "degf", degf(sub), paste0(pre, "degf(des)"))
  for (m in c("beta", "logit", "mean")) ciprop(paste0("poststrat_", g), ~I(award == 1), sub, m, pre)
}

# ---- transformations and likelihood on a one-stage cluster design and a domain of it
pre <- "des <- svydesign(ids=~dnum, weights=~pw, fpc=~fpc, data=c1); "
for (m in c("asin", "likelihood", "xlogit", "logit", "beta", "mean")) ciprop("clus1", ~I(award == 1), dclus1, m, pre)
pre_h <- paste0(pre, "des <- subset(des, stype=='H'); ")
sub <- subset(dclus1, stype == "H")
add("clus1_H", "nrow", nrow(sub), paste0(pre_h, "nrow(des)"))
for (m in c("asin", "likelihood", "xlogit", "logit", "beta", "mean")) ciprop("clus1_H", ~I(yes == 1), sub, m, pre_h)
# 90 % intervals
for (m in c("asin", "likelihood", "beta")) {
  p <- svyciprop(~I(award == 1), dclus1, method = m, level = 0.9)
  call <- paste0(pre, "svyciprop(~I(award == 1), des, method='", m, "', level=0.9)")
  add("clus1_90", paste0(m, "_ci_low"), attr(p, "ci")[1], call)
  add("clus1_90", paste0(m, "_ci_high"), attr(p, "ci")[2], call)
}

# ---- a proportion of 0: R's intervals collapse or fail (minyi deliberately differs, see analysis/ci.py)
p <- svyciprop(~I(none == 1), dclus1, method = "mean")
add("zero_prop", "mean_ci_low", attr(p, "ci")[1], paste0(pre, "svyciprop(~I(none==1), des, method='mean')"))
add("zero_prop", "mean_ci_high", attr(p, "ci")[2], paste0(pre, "svyciprop(~I(none==1), des, method='mean')"))
add("zero_prop", "nrow", nrow(dclus1), paste0(pre, "nrow(des)"))
add("zero_prop", "degf", degf(dclus1), paste0(pre, "degf(des)"))

# ---- asin when the transformed interval crosses 0: R's lower bound exceeds the estimate (minyi cuts at 0)
x3 <- data.frame(cl = rep(1:3, each = 10), y = 0)
x3$y[1] <- 1
write.csv(x3, "tests/golden/r_ciprop_three_clusters.csv", row.names = FALSE)
pre <- "x3 <- data.frame(cl=rep(1:3, each=10), y=0); x3$y[1] <- 1; des <- svydesign(ids=~cl, data=x3); "
ciprop("asin_cross", ~I(y == 1), svydesign(ids = ~cl, data = x3), "asin", pre)

# ---- one positive of eight, weight 4, four PSUs of two: the likelihood profile steps to logit 40, where
# plogis() rounds to 1 unless the link clamps the odds as R's binomial()$linkinv does (found by hypothesis)
x8 <- data.frame(y = c(0, 0, 0, 0, 0, 0, 1, 0), w = c(1, 1, 1, 1, 1, 1, 4, 1), psu = rep(1:4, each = 2))
pre <- "x8 <- data.frame(y=c(0,0,0,0,0,0,1,0), w=c(1,1,1,1,1,1,4,1), psu=rep(1:4, each=2)); des <- svydesign(ids=~psu, weights=~w, data=x8); "
for (m in c("likelihood", "logit", "beta")) ciprop("one_of_eight", ~I(y == 1), svydesign(ids = ~psu, weights = ~w, data = x8), m, pre)

# ---- one positive of nine (weight 1; another row weight 8), five PSUs: at 95 % R's nine profile steps
# below the estimate stop short of the cutoff, so the lower bound is NA (found by hypothesis)
x9 <- data.frame(y = c(0, 0, 0, 0, 0, 0, 1, 0, 0), w = c(1, 1, 1, 1, 1, 1, 1, 8, 1), psu = c(1, 1, 2, 2, 3, 3, 4, 4, 5))
pre <- "x9 <- data.frame(y=c(0,0,0,0,0,0,1,0,0), w=c(1,1,1,1,1,1,1,8,1), psu=c(1,1,2,2,3,3,4,4,5)); des <- svydesign(ids=~psu, weights=~w, data=x9); "
ciprop("short_profile", ~I(y == 1), svydesign(ids = ~psu, weights = ~w, data = x9), "likelihood", pre)

# ---- a large design effect on 2 df: the profile's F level alpha' = pnorm(qt(0.025, 2) * sqrt(lambda)) / 2 is
# 1.9e-18 (lambda 4) and 6.6e-12 (lambda 2.4), so zmax = sqrt(qf(alpha', 1, n - 1, lower.tail = FALSE)) needs
# the upper tail's own precision: 1 - alpha' rounds to 1 at 1.9e-18 (minyi gave no interval before)
pre <- "x12 <- data.frame(y=c(1,1,1,1,0,0,0,0,1,0,1,0), psu=rep(1:3, each=4)); des <- svydesign(ids=~psu, data=x12); "
x12 <- data.frame(y = c(1, 1, 1, 1, 0, 0, 0, 0, 1, 0, 1, 0), psu = rep(1:3, each = 4))
ciprop("far_tail_4", ~I(y == 1), svydesign(ids = ~psu, data = x12), "likelihood", pre)
pre <- "x12 <- data.frame(y=c(1,1,1,0,0,0,0,0,1,0,1,0), psu=rep(1:3, each=4)); des <- svydesign(ids=~psu, data=x12); "
x12b <- data.frame(y = c(1, 1, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0), psu = rep(1:3, each = 4))
ciprop("far_tail_2.4", ~I(y == 1), svydesign(ids = ~psu, data = x12b), "likelihood", pre)
for (a in c(1e-3, 6.6e-12, 1.9e-18, 1e-40)) add("qf_upper", paste0("qf_", a), qf(a, 1, 11, lower.tail = FALSE),
                                             paste0("qf(", a, ", 1, 11, lower.tail=FALSE)"))

res <- do.call(rbind, out)
write.csv(res, "tests/golden/r_ciprop_expected.csv", row.names = FALSE)
