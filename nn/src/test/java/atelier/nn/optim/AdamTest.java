package atelier.nn.optim;

import atelier.core.Tensor;
import atelier.core.device.CpuDevice;
import atelier.nn.Parameter;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AdamTest {
    private static Parameter param(String name, float... values) {
        return new Parameter(name, Tensor.of(values.clone(), values.length));
    }

    private static void setGrad(Parameter p, float... g) {
        System.arraycopy(g, 0, p.grad().data(), 0, g.length);
    }

    @Test
    void firstStepMovesEachParameterByLrAgainstTheGradientSign() {
        try (CpuDevice cpu = new CpuDevice(1)) {
            Parameter p = param("p", 1f, -2f, 0.5f);
            Adam adam = new Adam(cpu, Adam.Config.PGAN, List.of(p));
            setGrad(p, 3f, -0.25f, 0f);
            adam.step();
            // With bias correction, step 1 is lr * g / (|g| + eps): a step of lr in the direction of -sign(g).
            assertEquals(1f - 1e-3f, p.value().data()[0], 1e-7f);
            assertEquals(-2f + 1e-3f, p.value().data()[1], 1e-7f);
            assertEquals(0.5f, p.value().data()[2], 0f);
            assertEquals(1, adam.stepCount());
        }
    }

    @Test
    void stateRoundTripContinuesExactly() {
        try (CpuDevice cpu = new CpuDevice(1)) {
            Parameter a = param("w", 0.1f, 0.2f);
            Adam first = new Adam(cpu, new Adam.Config(1e-2, 0.9, 0.999, 1e-8), List.of(a));
            setGrad(a, 1f, -1f);
            first.step();
            Map<String, Tensor> saved = Map.of("w.adam_m", first.state().get("w.adam_m").copy(),
                    "w.adam_v", first.state().get("w.adam_v").copy());

            Parameter b = param("w", a.value().data());
            Adam resumed = new Adam(cpu, first.config(), List.of(b));
            resumed.load(saved, first.stepCount());
            setGrad(a, 0.5f, 2f);
            setGrad(b, 0.5f, 2f);
            first.step();
            resumed.step();
            assertArrayEquals(a.value().data(), b.value().data());
            assertNotEquals(0.1f, a.value().data()[0]);
        }
    }

    @Test
    void resetForgetsMomentsAndLoadNamesMissingState() {
        try (CpuDevice cpu = new CpuDevice(1)) {
            Parameter p = param("w", 1f);
            Adam adam = new Adam(cpu, Adam.Config.PGAN, List.of(p));
            setGrad(p, 1f);
            adam.step();
            adam.reset();
            assertEquals(0, adam.stepCount());
            assertEquals(0f, adam.state().get("w.adam_v").data()[0]);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> adam.load(Map.of(), 3));
            assertEquals("optimizer state is missing w.adam_m", e.getMessage());
        }
    }
}
