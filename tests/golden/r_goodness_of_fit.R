# Golden values for analysis.goodness_of_fit (sample composition against population shares): the
# Rao–Scott second-order corrected test evaluated in R on svymean's design covariance.
#     Rscript tests/golden/r_goodness_of_fit.R
# Reads tests/golden/r_indicators_data.csv, writes tests/golden/r_goodness_of_fit_expected.csv
# (case, quantity, value).  CI does not run R.
suppressMessages(library(survey))
options(survey.lonely.psu = "fail")
d <- read.csv("tests/golden/r_indicators_data.csv")
d$district <- factor(d$district)
d$site <- factor(d$site)
out <- list()
put <- function(case, qty, value) out[[length(out) + 1]] <<- data.frame(case = case, quantity = qty, value = sprintf("%.17g", value))
gof <- function(case, f, pi, des) {
  m <- svymean(f, des)
  p <- coef(m); V <- vcov(m); K <- length(p)
  n <- sum(weights(des, "sampling") > 0)
  X2 <- n * sum((p - pi)^2 / pi)
  P <- diag(pi[-K], K - 1) - outer(pi[-K], pi[-K])
  D <- n * solve(P, V[-K, -K, drop = FALSE])
  tr <- sum(diag(D)); tr2 <- sum(diag(D %*% D))
  d0 <- tr^2 / tr2; nu <- degf(des)
  F <- X2 / tr
  put(case, "chisq", X2); put(case, "F", F); put(case, "df1", d0); put(case, "df2", d0 * nu)
  put(case, "p", pf(F, d0, d0 * nu, lower.tail = FALSE)); put(case, "deff_mean", tr / (K - 1))
}
des <- svydesign(ids = ~psu, strata = ~st, weights = ~w, nest = TRUE, data = d)
gof("district", ~district, c(0.4, 0.3, 0.2, 0.1), des)
gof("site", ~site, c(0.3, 0.5, 0.2), des)
gof("district_jkn", ~district, c(0.4, 0.3, 0.2, 0.1), as.svrepdesign(des, type = "JKn"))
gof("site_srs", ~site, c(0.3, 0.5, 0.2), svydesign(ids = ~1, data = d))
write.csv(do.call(rbind, out), "tests/golden/r_goodness_of_fit_expected.csv", row.names = FALSE)
