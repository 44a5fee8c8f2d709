/**
 * The kernel library: every convolution, resampling, activation, normalization, reduction and optimizer step
 * of atelier, as plain static methods over flat {@code float[]} arrays.
 *
 * <p>The contract each kernel keeps, so that TornadoVM can compile it to OpenCL/PTX and the CPU device can run it
 * on all cores unchanged:
 * <ul>
 *   <li>The first two arguments are the work-item range {@code [begin, end)}; the kernel loops over it and each
 *       work item computes its own outputs, in a fixed order. A result never depends on how the range is split,
 *       so results are bit-identical for any thread count.</li>
 *   <li>Arguments are flat arrays, {@code int} dimensions and {@code float} scalars. Inside: index arithmetic,
 *       loops and {@code Math} calls only; no allocation, no objects, no virtual calls, no exceptions.</li>
 *   <li>Layouts are NCHW for images, [out, in, k, k] for convolution weights and [out, in] for dense weights.</li>
 *   <li>Input gradients overwrite their output array; parameter gradients are accumulated ({@code +=}) so that
 *       several backward passes (real and fake batches, a penalty term) sum into one gradient.</li>
 *   <li>Real numbers are written {@code float} with {@code f}-suffixed literals and nothing else: the tests compile
 *       a double-precision twin of this package by replacing {@code float} with {@code double}, and check every
 *       backward against central finite differences of the twin's forward.</li>
 * </ul>
 * Each file holds one family: a forward kernel and its backward kernels side by side, the math above each.
 *
 * <p>How the same source runs on TornadoVM (module {@code tornado}, {@code mvn -Ptornado}): TornadoVM parallelizes
 * either loops annotated {@code @Parallel} or kernels taking a {@code KernelContext}, and both types come from
 * {@code tornado-api}, which this package must not depend on (the default build has no TornadoVM). So kernels stay
 * annotation-free and {@code atelier.tornado.TornadoKernels} has one {@code KernelContext} entry point per kernel
 * that calls it with the one-item range {@code [globalIdx, globalIdx + 1)}: the kernel's loop runs once per GPU
 * thread and TornadoVM inlines the call. That is why a work item must never depend on another one's output, and why
 * the range is a parameter rather than a fixed 0..n. What the GPU compiler accepts inside: {@code Math.min},
 * {@code max} and {@code abs} on int and float map to OpenCL built-ins; {@code Math.sqrt} and {@code Math.floor}
 * take doubles in Java, so those kernels use fp64 on the device (see README, Running on a GPU).
 */
package atelier.core.kernels;
