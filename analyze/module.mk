# analyze/module.mk: keep the protoc-c outputs (make would otherwise delete the
# generated headers as intermediates and regenerate them on every build).
.SECONDARY: $(PROTO_C) $(PROTO_H)
