// Reference GEMM in plain TypeScript, for float32 and float64 alike. Loop orders keep the innermost
// loop on contiguous memory; correctness over speed (the native backend is the fast one).
import type { Buf } from '../../tensor/tensor.js';

/** C[M, N] = alpha · op(A) · op(B) + beta · C; A is [M, K] ([K, M] if transA), B is [K, N] ([N, K] if transB). */
export function gemm(C: Buf, A: Buf, B: Buf, M: number, N: number, K: number,
  transA: boolean, transB: boolean, alpha = 1, beta = 0): void {
  const MN = M * N;
  if (beta === 0) C.fill(0, 0, MN);
  else if (beta !== 1) for (let i = 0; i < MN; i++) C[i]! *= beta;
  if (!transA && transB) {
    // C[i, j] += Σ_k A[i, k] · B[j, k]: both rows contiguous.
    for (let i = 0; i < M; i++) {
      const a0 = i * K;
      for (let j = 0; j < N; j++) {
        const b0 = j * K;
        let s = 0;
        for (let k = 0; k < K; k++) s += A[a0 + k]! * B[b0 + k]!;
        C[i * N + j]! += alpha * s;
      }
    }
    return;
  }
  for (let i = 0; i < M; i++) {
    const c0 = i * N;
    for (let k = 0; k < K; k++) {
      const a = alpha * (transA ? A[k * M + i]! : A[i * K + k]!);
      if (transB) for (let j = 0; j < N; j++) C[c0 + j]! += a * B[j * K + k]!;
      else {
        const b0 = k * N;
        for (let j = 0; j < N; j++) C[c0 + j]! += a * B[b0 + j]!;
      }
    }
  }
}
