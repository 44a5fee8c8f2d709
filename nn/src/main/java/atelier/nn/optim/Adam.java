package atelier.nn.optim;

import atelier.core.Tensor;
import atelier.core.device.Device;
import atelier.nn.Parameter;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Adam over a fixed list of parameters; moments live beside each parameter and are saved with checkpoints. */
public final class Adam {
    /** Hyper-parameters. PGAN: lr 1e-3, beta1 0, beta2 0.99, eps 1e-8. */
    public record Config(double lr, double beta1, double beta2, double eps) {
        public static final Config PGAN = new Config(1e-3, 0, 0.99, 1e-8);
    }

    private final Device device;
    private final Config config;
    private final List<Parameter> parameters;
    private final Map<Parameter, Tensor[]> moments = new LinkedHashMap<>();
    private long step;

    public Adam(Device device, Config config, List<Parameter> parameters) {
        this.device = device;
        this.config = config;
        this.parameters = List.copyOf(parameters);
        for (Parameter p : this.parameters) {
            moments.put(p, new Tensor[] {p.value().zerosLike(), p.value().zerosLike()});
        }
    }

    /** Applies one update from the accumulated gradients. */
    public void step() {
        step++;
        for (Parameter p : parameters) {
            Tensor[] mv = moments.get(p);
            device.adam(p.value(), p.grad(), mv[0], mv[1], config.lr(), config.beta1(), config.beta2(), config.eps(), step);
        }
    }

    /** Clears the accumulated gradients before the next backward passes. */
    public void zeroGrad() {
        for (Parameter p : parameters) {
            device.fill(p.grad(), 0f);
        }
    }

    /** Forgets the moments and the step count (PGAN restarts Adam at each new resolution). */
    public void reset() {
        step = 0;
        for (Tensor[] mv : moments.values()) {
            device.fill(mv[0], 0f);
            device.fill(mv[1], 0f);
        }
    }

    public long stepCount() {
        return step;
    }

    public Config config() {
        return config;
    }

    /** The moments by checkpoint name: "{param}.adam_m" and "{param}.adam_v". */
    public Map<String, Tensor> state() {
        Map<String, Tensor> state = new LinkedHashMap<>();
        for (Parameter p : parameters) {
            Tensor[] mv = moments.get(p);
            state.put(p.name() + ".adam_m", mv[0]);
            state.put(p.name() + ".adam_v", mv[1]);
        }
        return state;
    }

    /** Restores moments saved by {@link #state()} and the step count; every moment must be present. */
    public void load(Map<String, Tensor> state, long stepCount) {
        for (Map.Entry<String, Tensor> e : state().entrySet()) {
            Tensor saved = state.get(e.getKey());
            if (saved == null) {
                throw new IllegalArgumentException("optimizer state is missing " + e.getKey());
            }
            device.copy(saved, e.getValue());
        }
        this.step = stepCount;
    }
}
