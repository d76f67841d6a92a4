# sandbox-harness: workload
# id: wl.sympy-calculus
# image: science
# expect-stdout-file: expected/sympy_calculus.out
# summary: integrates, differentiates and solves symbolically with sympy and prints the results
import sympy as sp

x = sp.symbols("x")
print("sympy", sp.__version__)
print("integral:", sp.integrate(x**2 * sp.sin(x), x))
print("definite:", sp.integrate(sp.exp(-x**2), (x, -sp.oo, sp.oo)))
print("derivative:", sp.diff(sp.atan(x) * sp.log(x), x))
print("roots:", sp.solve(x**2 - 5*x + 6, x))
print("series:", sp.series(sp.cos(x), x, 0, 6))
