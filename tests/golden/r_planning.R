# Golden values for minyi's sample-size planner (analysis/planning.py), evaluated in R by formula
# (R's survey package has no planner; samplingbook is not packaged in Debian).
# Run from the repository root:  Rscript tests/golden/r_planning.R
# Cochran (1977) eqs. 4.2-4.3 with a design effect: n0 = z^2 p(1-p)/e^2, nd = n0*deff,
# n = nd/(1 + (nd-1)/N), rounded up.  Allocation: proportional N_h, Neyman N_h*S_h, equal; integer
# allocation by largest remainder (Hamilton), ties to the earlier stratum.
grid <- expand.grid(e = c(0.01, 0.03, 0.05, 0.1), conf = c(0.9, 0.95, 0.99), p = c(0.5, 0.2, 0.85),
                    N = c(NA, 500, 1000, 20000, 1e6), deff = c(1, 1.5, 2.3), KEEP.OUT.ATTRS = FALSE)
z <- qnorm(1 - (1 - grid$conf) / 2)
n0 <- z^2 * grid$p * (1 - grid$p) / grid$e^2
nd <- n0 * grid$deff
nf <- ifelse(is.na(grid$N), nd, nd / (1 + (nd - 1) / grid$N))
grid$n0 <- sprintf("%.17g", n0)
grid$n_fpc <- sprintf("%.17g", nf)
grid$n <- pmin(ceiling(nf - 1e-9), ifelse(is.na(grid$N), Inf, floor(grid$N)))
write.csv(grid, "tests/golden/r_planning_sizes.csv", row.names = FALSE, na = "")

hamilton <- function(q, total) {
  b <- floor(q + 1e-9)
  left <- total - sum(b)
  if (left > 0) {
    o <- order(-(q - b), seq_along(q))   # stable: ties to the earlier stratum
    b[o[1:left]] <- b[o[1:left]] + 1
  }
  b
}
strata <- data.frame(stratum = c("A", "B", "C", "D", "E"), N = c(12000, 35000, 8000, 21000, 50000),
                     sd = c(0.5, 0.45, 0.3, 0.49, 0.4))
out <- list()
for (n in c(385, 1068, 1500)) {
  q <- list(proportional = n * strata$N / sum(strata$N),
            neyman = n * strata$N * strata$sd / sum(strata$N * strata$sd),
            equal = rep(n / nrow(strata), nrow(strata)))
  for (m in names(q)) {
    out[[length(out) + 1]] <- data.frame(n = n, method = m, stratum = strata$stratum,
                                         ideal = sprintf("%.17g", q[[m]]), alloc = hamilton(q[[m]], n))
  }
}
write.csv(strata, "tests/golden/r_planning_strata.csv", row.names = FALSE)
write.csv(do.call(rbind, out), "tests/golden/r_planning_alloc.csv", row.names = FALSE)
cat("wrote", nrow(grid), "sizes\n")
