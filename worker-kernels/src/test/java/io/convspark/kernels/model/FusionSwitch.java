package io.convspark.kernels.model;

/** Builds a model from JSON with layer fusion on or off ({@link Model#FUSION_PROPERTY}), restoring the setting after. */
final class FusionSwitch {
    private FusionSwitch() {
    }

    static Model build(String json, String source, long seed, boolean fused) {
        String old = System.getProperty(Model.FUSION_PROPERTY);
        System.setProperty(Model.FUSION_PROPERTY, Boolean.toString(fused));
        try {
            return ModelDefinition.parse(json, source).build(seed);
        } finally {
            if (old == null) {
                System.clearProperty(Model.FUSION_PROPERTY);
            } else {
                System.setProperty(Model.FUSION_PROPERTY, old);
            }
        }
    }
}
