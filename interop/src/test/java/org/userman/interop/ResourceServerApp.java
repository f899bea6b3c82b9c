package org.userman.interop;

import java.util.Collection;
import java.util.List;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Profile;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AuthorizeHttpRequestsConfigurer;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthentication;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;
import org.springframework.security.web.SecurityFilterChain;

/**
 * A Spring Boot resource server set up as docs/client.md tells, with no library of Userman's: the
 * settings in application.yml, the converter that reads {@code roles} below. By default it takes
 * Userman's JWTs; with the profile {@code role-properties} it reads their roles by Boot's settings
 * instead of the converter; with the profile {@code introspection} (application-introspection.yml)
 * it asks Userman about every token, as Spring's opaque-token support does.
 */
@SpringBootApplication
class ResourceServerApp {
  /** The same rules for both kinds of token. */
  private static void authorize(
      AuthorizeHttpRequestsConfigurer<HttpSecurity>.AuthorizationManagerRequestMatcherRegistry a) {
    a.requestMatchers("/admin/**")
        .hasRole("admin")
        .requestMatchers("/reports/**")
        .hasRole("reports:read")
        .anyRequest()
        .authenticated();
  }

  @Bean
  @Profile("!introspection")
  SecurityFilterChain jwtTokens(HttpSecurity http) {
    return http.authorizeHttpRequests(ResourceServerApp::authorize)
        .oauth2ResourceServer(o -> o.jwt(Customizer.withDefaults()))
        .build();
  }

  /**
   * docs/client.md's converter, word for word: Userman's roles are in {@code roles}. (The profile
   * {@code role-properties} does without it: Boot makes one from its settings.)
   */
  @Bean
  @Profile("!introspection & !role-properties")
  JwtAuthenticationConverter jwtAuthenticationConverter() {
    JwtGrantedAuthoritiesConverter roles = new JwtGrantedAuthoritiesConverter();
    roles.setAuthoritiesClaimName("roles");
    roles.setAuthorityPrefix("ROLE_"); // so that hasRole("admin") works
    JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
    converter.setJwtGrantedAuthoritiesConverter(roles);
    return converter;
  }

  /**
   * docs/client.md's opaque-token set-up, word for word: Spring maps an introspection answer's
   * {@code scope} to authorities; Userman's answer has the roles in {@code roles}.
   */
  @Bean
  @Profile("introspection")
  SecurityFilterChain introspectedTokens(HttpSecurity http) {
    return http.authorizeHttpRequests(ResourceServerApp::authorize)
        .oauth2ResourceServer(
            o ->
                o.opaqueToken(
                    t ->
                        t.authenticationConverter(
                            (token, principal) -> {
                              Collection<?> roles = principal.getAttribute("roles");
                              List<GrantedAuthority> authorities =
                                  roles == null
                                      ? List.of()
                                      : roles.stream()
                                          .<GrantedAuthority>map(
                                              r -> new SimpleGrantedAuthority("ROLE_" + r))
                                          .toList();
                              return new BearerTokenAuthentication(
                                  principal,
                                  new OAuth2AccessToken(
                                      OAuth2AccessToken.TokenType.BEARER,
                                      token,
                                      principal.getAttribute("iat"),
                                      principal.getAttribute("exp")),
                                  authorities);
                            })))
        .build();
  }
}
