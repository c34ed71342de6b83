import { computed, useAttrs, type ComputedRef, type HTMLAttributes, type StyleValue } from 'vue';

/**
 * For fields with `inheritAttrs: false`: class and style size the field (its root), every other
 * attribute (data-testid, autocomplete, placeholder…) belongs to the control inside it.
 */
export function useFieldAttrs(): {
  rootClass: ComputedRef<HTMLAttributes['class']>;
  rootStyle: ComputedRef<StyleValue>;
  controlAttrs: ComputedRef<Record<string, unknown>>;
} {
  const attrs = useAttrs();
  return {
    rootClass: computed(() => attrs.class as HTMLAttributes['class']),
    rootStyle: computed(() => attrs.style as StyleValue),
    controlAttrs: computed(() => {
      const { class: _class, style: _style, ...rest } = attrs;
      return rest;
    }),
  };
}
