# Golden values for the logit link of minyi's GLMs (analysis/glm.py) where the fitted probabilities reach
# 0 or 1: R's binomial()$linkinv and $mu.eta (src/library/stats/src/family.c hold exp(eta) to
# [DBL_EPSILON, 1/DBL_EPSILON] beyond |eta| > 30), and glm.fit on perfectly separated data, which R
# stops after maxit = 25 iterations, not converged, with huge coefficients and a deviance near 0.
# Run from the repository root:  Rscript tests/golden/r_glm_separation.R
# Writes tests/golden/r_glm_separation_expected.csv. CI does not run R.
out <- list()
add <- function(quantity, value, call) {
  out[[length(out) + 1]] <<- data.frame(quantity = quantity, value = sprintf("%.17g", value), call = call)
}
eta <- c(-40, -30.5, -30, -5, 0, 5, 30, 30.5, 40)
for (e in eta) {
  add(paste0("linkinv|", e), binomial()$linkinv(e), sprintf("binomial()$linkinv(%s)", e))
  add(paste0("mu_eta|", e), binomial()$mu.eta(e), sprintf("binomial()$mu.eta(%s)", e))
}
X <- cbind(1, 1:20)
y <- as.numeric(1:20 > 10)
call <- "glm.fit(cbind(1, 1:20), as.numeric(1:20 > 10), family = binomial())"
f <- suppressWarnings(glm.fit(X, y, family = binomial()))
add("separated|intercept", f$coefficients[1], call)
add("separated|slope", f$coefficients[2], call)
add("separated|deviance", f$deviance, call)
add("separated|iterations", f$iter, call)
add("separated|converged", as.numeric(f$converged), call)
write.csv(do.call(rbind, out), "tests/golden/r_glm_separation_expected.csv", row.names = FALSE, fileEncoding = "UTF-8")
