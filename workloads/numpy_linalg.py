# sandbox-harness: workload
# id: wl.numpy-linalg
# image: science
# expect-stdout-file: expected/numpy_linalg.out
# summary: solves a 3x3 linear system and computes a determinant and symmetric eigenvalues with numpy, printed rounded
import numpy as np

a = np.array([[4.0, -2.0, 1.0], [-2.0, 4.0, -2.0], [1.0, -2.0, 4.0]])
b = np.array([11.0, -16.0, 17.0])
x = np.linalg.solve(a, b)
print("numpy", np.__version__)
print("x =", " ".join("%.6f" % v for v in x))
print("det = %.6f" % np.linalg.det(a))
print("eigenvalues =", " ".join("%.6f" % v for v in np.linalg.eigvalsh(a)))
print("check =", bool(np.allclose(a @ x, b)))
