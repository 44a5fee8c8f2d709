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
 */
package atelier.core.kernels;
