package dev.unsubsync.emulator.http;

import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.http.netty.channel.ChannelPipelineCustomizer;
import io.micronaut.http.server.netty.NettyServerCustomizer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
import jakarta.inject.Singleton;

/**
 * Serves a path with doubled slashes ({@code //services/data/v62.0/...}, as a client that keeps the instance URL with a
 * trailing slash sends it) as Salesforce does: as the path with single slashes. Done on the request line, before routing,
 * so every route and filter (the session check included) sees the path Salesforce would.
 */
@Singleton
final class DoubledSlashes implements BeanCreatedEventListener<NettyServerCustomizer.Registry> {

    @Override
    public NettyServerCustomizer.Registry onCreated(BeanCreatedEvent<NettyServerCustomizer.Registry> event) {
        event.getBean().register(new Customizer(null));
        return event.getBean();
    }

    /** The path with every run of slashes made one; the query is left as sent. */
    static String collapse(String uri) {
        int query = uri.indexOf('?');
        String path = query < 0 ? uri : uri.substring(0, query);
        if (!path.contains("//")) {
            return uri;
        }
        return path.replaceAll("/{2,}", "/") + (query < 0 ? "" : uri.substring(query));
    }

    private record Customizer(Channel channel) implements NettyServerCustomizer {

        @Override
        public NettyServerCustomizer specializeForChannel(Channel channel, ChannelRole role) {
            return new Customizer(channel);
        }

        @Override
        public void onStreamPipelineBuilt() {
            if (channel != null && channel.pipeline().get(ChannelPipelineCustomizer.HANDLER_HTTP_SERVER_CODEC) != null
                    && channel.pipeline().get("doubled-slashes") == null) {
                channel.pipeline().addAfter(ChannelPipelineCustomizer.HANDLER_HTTP_SERVER_CODEC, "doubled-slashes", new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext context, Object message) {
                        if (message instanceof HttpRequest request) {
                            request.setUri(collapse(request.uri()));
                        }
                        context.fireChannelRead(message);
                    }
                });
            }
        }
    }
}
